using System.Globalization;

namespace CoopLedger.Bench.Http;

/// <summary>Prints the HTTP benchmark's tables with issue 8's targets next to the figures, and every failed answer.</summary>
internal static class HttpLoadReport
{
    private const int TargetClients = 32;
    private const double TargetCommandsPerSecond = 1_500;
    private const double TargetCommandP99Milliseconds = 50;
    private const double TargetReadsPerSecond = 5_000;

    public static void Print(TextWriter output, IReadOnlyList<HttpLevelResult> commands, IReadOnlyList<HttpLevelResult> reads, IReadOnlyList<double> storeAppends)
    {
        output.WriteLine();
        output.WriteLine("Commands (10% registrations; 90% challenge, action, funding, convention on the pool); store = PostgresEventStore one-event appends, "
            + "same database, same clients and duration, the service stopped:");
        output.WriteLine("| clients | commands/s | p50 ms | p99 ms | store appends/s | commands/s ÷ store appends/s | CPU ms/command: service, PostgreSQL, clients | answers by status (with warm-up) | target |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|---|");
        for (var i = 0; i < commands.Count; i++)
        {
            var level = commands[i];
            var target = level.Clients == TargetClients
                ? Verdict(level, level.Load.PerSecond >= TargetCommandsPerSecond && level.Load.Latency.Percentile(0.99) < TargetCommandP99Milliseconds,
                    $"≥ {TargetCommandsPerSecond:N0}/s, p99 < {TargetCommandP99Milliseconds:F0} ms")
                : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {level.Clients} | {level.Load.PerSecond:F0} | {level.Load.Latency.Percentile(0.5):F2} | {level.Load.Latency.Percentile(0.99):F2} | "
                + $"{Store(storeAppends, i, level.Load.PerSecond)} | {Cpu(level)} | {level.Statuses} | {target} |"));
        }

        output.WriteLine();
        output.WriteLine("Reads (equal parts: /api/partnerships/{id}, /{id}/plan, /api/partnerships?limit=50, /api/reports/funding-per-year, /api/reports/active-partnerships):");
        output.WriteLine("| clients | requests/s | p50 ms | p99 ms | CPU ms/request: service, PostgreSQL, clients | answers by status (with warm-up) | target |");
        output.WriteLine("|---:|---:|---:|---:|---:|---|---|");
        foreach (var level in reads)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {level.Clients} | {level.Load.PerSecond:F0} | {level.Load.Latency.Percentile(0.5):F2} | {level.Load.Latency.Percentile(0.99):F2} | "
                + $"{Cpu(level)} | {level.Statuses} | {Verdict(level, level.Load.PerSecond >= TargetReadsPerSecond, $"≥ {TargetReadsPerSecond:N0}/s")} |"));
        }

        output.WriteLine();
        output.WriteLine($"Per kind of request at {TargetClients} clients:");
        output.WriteLine("| mix | kind | requests | p50 ms | p99 ms |");
        output.WriteLine("|---|---|---:|---:|---:|");
        foreach (var (mix, level) in new[] { ("commands", commands), ("reads", reads) }.SelectMany(m => m.Item2.Where(l => l.Clients == TargetClients).Select(l => (m.Item1, l))))
        {
            foreach (var (kind, latency) in level.ByKind)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mix} | {kind} | {latency.Count} | {latency.Percentile(0.5):F2} | {latency.Percentile(0.99):F2} |"));
            }
        }
    }

    /// <summary>
    /// Prints what the service's garbage-collector pauses did to each level: a request in flight during a pause waits for
    /// it, so the p99 of the requests no pause reached bounds how much of the tail is the collector's.
    /// </summary>
    public static void PrintPauses(TextWriter output, ServicePauses? pauses, IReadOnlyList<(string Mix, HttpLevelResult Level)> levels)
    {
        if (pauses is null)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("The service's garbage-collector pauses during each level (its runtime's GC events, over the event pipe):");
        output.WriteLine("| mix | clients | pauses (of gen 1 or 2) | time paused | median gen-0 pause ms | longest ms | requests in flight during one | p99 ms | p99 ms of the others |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (mix, level) in levels)
        {
            var share = pauses.Over(level.Load.Latency.Spans);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mix} | {level.Clients} | {share.Pauses} ({share.OlderGenerations}) | {share.PausedShare:P1} | "
                + $"{share.MedianGen0Milliseconds:F1} | {share.LongestMilliseconds:F1} | {share.RequestsPausedShare:P1} | {share.P99:F2} | {share.P99Unpaused:F2} |"));
        }
    }

    /// <summary>Prints every level's failed answers; true when there were none (the figures are valid).</summary>
    public static bool PrintFailures(TextWriter output, IReadOnlyList<(string Mix, HttpLevelResult Level)> levels)
    {
        output.WriteLine();
        var failed = levels.Where(l => l.Level.Statuses.Errors > 0).ToList();
        if (failed.Count == 0)
        {
            output.WriteLine("Non-2xx answers: none.");
            return true;
        }

        output.WriteLine("NOT VALID: some answers were not 2xx (a run with errors is not a figure). First failures per level:");
        foreach (var (mix, level) in failed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {mix}, {level.Clients} clients: {level.Statuses.Errors:N0} failed ({level.Statuses})"));
            foreach (var failure in level.Statuses.Failures)
            {
                output.WriteLine($"  {failure}");
            }
        }

        return false;
    }

    private static string Store(IReadOnlyList<double> storeAppends, int level, double commandsPerSecond) =>
        level < storeAppends.Count ? string.Create(CultureInfo.InvariantCulture, $"{storeAppends[level]:F0} | {commandsPerSecond / storeAppends[level]:F2}") : "– | –";

    private static string Cpu(HttpLevelResult level) =>
        level.Cpu is { } cpu ? string.Create(CultureInfo.InvariantCulture, $"{cpu.ServiceMilliseconds:F2}, {cpu.PostgresMilliseconds:F2}, {cpu.ClientMilliseconds:F2}") : "";

    private static string Verdict(HttpLevelResult level, bool met, string target) =>
        level.Statuses.Errors > 0 ? $"{target}: not valid (errors)" : $"{target}: {(met ? "met" : "**not met**")}";
}
