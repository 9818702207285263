using System.Diagnostics;
using System.Globalization;
using CoopLedger.Api.Partnerships;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.ActionPlan;
using CoopLedger.Projections.Funding;
using CoopLedger.Projections.Partnerships;
using Npgsql;

namespace CoopLedger.Bench.Projections;

/// <summary>
/// Rebuilds every read model from a large generated log and compares the speed with PostgreSQL merely reading the
/// same rows (<c>COPY ... TO STDOUT</c>); then measures the report routes over HTTP at that volume.
/// </summary>
internal sealed class ProjectionBenchmark(NpgsqlDataSource dataSource, string connectionString, int events, int partnerships, bool queries)
{
    private readonly PostgresEventStore _store = new(dataSource, PartnershipLedger.CreateRegistry());

    public async Task RunAsync(TextWriter output)
    {
        await SeedAsync(output);
        var total = await ScalarAsync<long>("SELECT count(*) FROM ledger.events");
        var scan = (await MeasureAsync(ScanAsync)).Took;
        output.WriteLine($"Log: {total:N0} events over {partnerships:N0} partnerships; raw read (COPY TO STDOUT, binary): {scan.TotalSeconds:F2} s, {total / scan.TotalSeconds:N0} events/s");
        output.WriteLine();
        output.WriteLine("| read model | rebuild s | events/s | ratio to raw read | rows | GC paused s (collections) | CPU s: .NET + PostgreSQL |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var all = new Measured(TimeSpan.Zero, TimeSpan.Zero, 0, TimeSpan.Zero, TimeSpan.Zero);
        foreach (var projection in Projections())
        {
            await ProjectionGenerations.EnsureServingAsync(dataSource, projection, CancellationToken.None);
            var measured = await MeasureAsync(() => new ProjectionRebuild(_store, projection).RunAsync(CancellationToken.None));
            all = all.And(measured);
            var took = measured.Took;
            var rows = 0L;
            foreach (var table in projection.Tables)
            {
                rows += await ScalarAsync<long>($"SELECT count(*) FROM {projection.Name}.{table.Name}");
            }

            output.WriteLine(Invariant($"| {projection.Name} | {took.TotalSeconds:F2} | {total / took.TotalSeconds:N0} | {scan / took:F2} | {rows:N0} | {measured.Pauses} | {measured.Cpu} |"));
        }

        output.WriteLine(Invariant($"| **all three, one after the other** | {all.Took.TotalSeconds:F2} | {total / all.Took.TotalSeconds:N0} | {scan / all.Took:F2} | | {all.Pauses} | {all.Cpu} |"));
        // As the service does it: each projection's daemon rebuilds on its own, so the three run at once.
        var together = await MeasureAsync(() => Task.WhenAll(Projections().Select(p =>
            Task.Run(() => new ProjectionRebuild(_store, p).RunAsync(CancellationToken.None)))));
        output.WriteLine(Invariant($"| **all three at once** (as the daemons do) | {together.Took.TotalSeconds:F2} | {total / together.Took.TotalSeconds:N0} | {scan / together.Took:F2} | | {together.Pauses} | {together.Cpu} |"));
        output.WriteLine();
        if (queries)
        {
            // Timed as the read models serve once autovacuum has passed after the rebuilds just made (it does within
            // a minute, a rebuild having inserted every row): its visibility map lets covering indexes answer without
            // the tables. Vacuumed here, so that the timings do not race it.
            foreach (var table in Projections().SelectMany(p => p.Tables.Select(t => $"{p.Name}.{t.Name}")))
            {
                await using var vacuum = dataSource.CreateCommand($"VACUUM (ANALYZE) {table}");
                await vacuum.ExecuteNonQueryAsync();
            }

            await new ReportLatency(connectionString).RunAsync(output);
        }
    }

    private IProjection[] Projections() =>
        [new FundingPerYearProjection(_store), new ActivePartnershipsProjection(_store), new ActionsPerChallengeProjection(_store)];

    /// <summary>Appends the generated histories through the store (so hashes, versions and streams are real), interleaved in rounds.</summary>
    private async Task SeedAsync(TextWriter output)
    {
        if (await ScalarAsync<long>("SELECT count(*) FROM ledger.events") >= events)
        {
            return;
        }

        var perPartnership = events / partnerships;
        const int PerAppend = 10;
        var ids = Enumerable.Range(0, partnerships).Select(_ => Guid.NewGuid()).ToArray();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round * PerAppend < perPartnership; round++)
        {
            var from = round * PerAppend;
            await Parallel.ForAsync(0, partnerships, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
            {
                var history = HistoryGenerator.History(ids[i], i, perPartnership);
                var chunk = history.Skip(from).Take(PerAppend).ToList();
                await _store.AppendAsync(ids[i], PartnershipEventTypes.StreamType, from == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(from),
                    chunk, new AppendMetadata("bench", "generated history"), cancellationToken);
            });
            output.Write(Invariant($"\rSeeding: {(round + 1) * PerAppend * partnerships:N0} events, {clock.Elapsed.TotalSeconds:F0} s"));
        }

        output.WriteLine();
        await using var vacuum = dataSource.CreateCommand("VACUUM ANALYZE ledger.events");
        await vacuum.ExecuteNonQueryAsync();
    }

    private async Task ScanAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var reader = await connection.BeginRawBinaryCopyAsync("COPY ledger.events TO STDOUT (FORMAT BINARY)");
        var buffer = new byte[1 << 16];
        while (await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None) > 0)
        {
        }
    }

    private static async Task<Measured> MeasureAsync(Func<Task> work)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = new CpuMeter(self);
        var (paused, collections, (dotnet, postgres, _)) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), cpu.Now());
        var clock = Stopwatch.StartNew();
        await work();
        var took = clock.Elapsed;
        var (dotnetAfter, postgresAfter, _) = cpu.Now();
        return new Measured(took, GC.GetTotalPauseDuration() - paused, GC.CollectionCount(0) - collections, dotnetAfter - dotnet, postgresAfter - postgres);
    }

    /// <summary>
    /// How long some work took, how much of it this process spent paused by its garbage collector, and the CPU time it
    /// cost this process and PostgreSQL: on this shared host the wall time swings with the neighbours, the CPU much less,
    /// so a change to the rebuilds is judged by both.
    /// </summary>
    private sealed record Measured(TimeSpan Took, TimeSpan Paused, int Collections, TimeSpan DotnetCpu, TimeSpan PostgresCpu)
    {
        public string Pauses => Invariant($"{Paused.TotalSeconds:F2} ({Collections})");

        public string Cpu => Invariant($"{DotnetCpu.TotalSeconds:F1} + {PostgresCpu.TotalSeconds:F1}");

        public Measured And(Measured other) =>
            new(Took + other.Took, Paused + other.Paused, Collections + other.Collections, DotnetCpu + other.DotnetCpu, PostgresCpu + other.PostgresCpu);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
