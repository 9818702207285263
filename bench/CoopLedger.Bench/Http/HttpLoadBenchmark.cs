using System.Net.Http.Headers;
using CoopLedger.Api.Security;
using Npgsql;

namespace CoopLedger.Bench.Http;

/// <summary>
/// Issue 8: the service under concurrent HTTP load, in its own process over the benchmark's database. Command
/// throughput and p50/p99 at 1, 8, 32 and 128 closed-loop clients, then reads at the same levels; then, with the
/// service stopped (so that the two never share the CPU), the store's one-event appends on the same database at the
/// same concurrency and duration, the baseline of the commands/s ÷ store appends/s ratio.
/// </summary>
/// <param name="dataSource">The benchmark's database.</param>
/// <param name="connectionString">Its connection string, given to the service.</param>
/// <param name="duration">How long each level runs, after its warm-up.</param>
/// <param name="serviceWarmUp">How long each mix runs at 32 clients, unmeasured, before its levels.</param>
/// <param name="levels">The client counts to run (all four by default; fewer to study one level).</param>
/// <param name="mixes">Which mixes to run, <c>commands</c> and/or <c>reads</c> (both by default).</param>
internal sealed class HttpLoadBenchmark(
    NpgsqlDataSource dataSource, string connectionString, TimeSpan duration, TimeSpan serviceWarmUp, int[]? levels = null, string[]? mixes = null)
{
    private const int PoolPartnerships = 200;

    /// <summary>Commands are limited per token (100 burst, 50/s by default): here the service itself is measured, not its limiter.</summary>
    private const string Unlimited = "1000000";

    private static readonly int[] AllLevels = [1, 8, 32, 128];
    private const int WarmUpClients = 32;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    private readonly int[] _concurrencies = levels is { Length: > 0 } ? levels : AllLevels;

    /// <summary>Runs every level and prints the tables; false when any answer was not a 2xx (the figures are then not valid).</summary>
    public async Task<bool> RunAsync(TextWriter output)
    {
        var (serviceConnection, poolSize, maxConnections) = await ServiceConnectionAsync();
        output.WriteLine($"HTTP load, closed loop (each client sends its next request when the previous one has answered): {WarmUp.TotalSeconds:F0} s warm-up "
            + $"+ {duration.TotalSeconds:F0} s per level; the service in its own process over this database; client, service and PostgreSQL share this machine.");
        output.WriteLine($"Rate limit raised for this run: RateLimiting__WriteBurst={Unlimited}, RateLimiting__WritesPerSecond={Unlimited} (default 100 burst, 50/s per token).");
        output.WriteLine($"Service pools: Max Pool Size={poolSize} for the ledger, {Math.Max(4, poolSize / 4)} for reports (a quarter, as the service sizes it); store baseline: the benchmark's pool, "
            + $"Max Pool Size={new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize}; PostgreSQL max_connections={maxConnections}.");

        output.WriteLine($"Service warm-up: each mix first runs {serviceWarmUp.TotalSeconds:F0} s at {WarmUpClients} clients, not measured (its answers are checked): on two cores "
            + "the JIT (tiered compilation with dynamic PGO) takes tens of seconds of load to settle, and a service runs for days.");
        List<HttpLevelResult> commands = [], reads = [], warmUps = [];
        ServicePauses? pauses = null;
        using (var service = await ServiceProcess.StartAsync(serviceConnection, new Dictionary<string, string>
        {
            ["RateLimiting__WriteBurst"] = Unlimited,
            ["RateLimiting__WritesPerSecond"] = Unlimited,
        }))
        using (var http = new LoadClient(service.Http.BaseAddress!, _concurrencies.Max()))
        {
            pauses = ServicePauses.Watch(service.ProcessId);
            var officers = Tokens(service.Tokens, "bench-officer", [Roles.Officer], [CommandMix.Siren]);
            var readers = Tokens(service.Tokens, "bench-reader", [Roles.Auditor, Roles.Dashboard], []);
            var pool = await PartnershipPool.SeedAsync(http, officers[0], PoolPartnerships);
            output.WriteLine($"Pool: {pool.Count} partnerships registered through the API, one challenge each; one officer token (siren {CommandMix.Siren}) per client for commands, "
                + "one auditor+dashboard token per client for reads.");
            if (mixes is null || mixes.Contains("commands"))
            {
                await RunLevelsAsync(service, http, new CommandMix(pool), officers, commands, warmUps, "commands");
            }

            if (mixes is null || mixes.Contains("reads"))
            {
                await RunLevelsAsync(service, http, new ReadMix(pool), readers, reads, warmUps, "reads");
            }

            // Stopped while the service runs: stopping the session flushes every event of the levels first.
            pauses?.Dispose();
        }

        var store = new AppendBenchmark(dataSource, duration);
        var appends = new List<double>();
        // Studying one mix: PostgreSQL's statistics (pg_stat_statements) then hold the service's statements only.
        foreach (var clients in mixes is null ? _concurrencies : [])
        {
            appends.Add((await store.MeasureStoreAppendsAsync(clients, WarmUp)).EventsPerSecond);
            Console.Error.WriteLine($"store appends, {clients} clients: {appends[^1]:F0}/s");
        }

        HttpLoadReport.Print(output, commands, reads, appends);
        HttpLoadReport.PrintPauses(output, pauses, [.. commands.Select(l => ("commands", l)), .. reads.Select(l => ("reads", l))]);
        return HttpLoadReport.PrintFailures(output,
            [.. warmUps.Select(l => ("warm-up", l)), .. commands.Select(l => ("commands", l)), .. reads.Select(l => ("reads", l))]);
    }

    private async Task RunLevelsAsync(
        ServiceProcess service, LoadClient http, ILoadMix mix, IReadOnlyList<AuthenticationHeaderValue> tokens, List<HttpLevelResult> results,
        List<HttpLevelResult> warmUps, string name)
    {
        if (serviceWarmUp > TimeSpan.Zero)
        {
            warmUps.Add(await HttpLevel.RunAsync(http, mix, tokens, WarmUpClients, TimeSpan.Zero, serviceWarmUp));
            Console.Error.WriteLine($"{name}, warm-up: {warmUps[^1].Load.PerSecond:F0}/s ({warmUps[^1].Statuses})");
        }

        foreach (var clients in _concurrencies)
        {
            // The projections first apply the previous level's writes: that work belongs to it, not to this level.
            await service.CaughtUpAsync();
            var (serviceBefore, postgresBefore, clientBefore) = service.Cpu.Now();
            var level = await HttpLevel.RunAsync(http, mix, tokens, clients, WarmUp, duration);
            await service.CaughtUpAsync();
            var (serviceAfter, postgresAfter, clientAfter) = service.Cpu.Now();
            results.Add(level with
            {
                Cpu = new((serviceAfter - serviceBefore).TotalMilliseconds / level.Statuses.Total, (postgresAfter - postgresBefore).TotalMilliseconds / level.Statuses.Total,
                    (clientAfter - clientBefore).TotalMilliseconds / level.Statuses.Total),
            });
            Console.Error.WriteLine($"{name}, {clients} clients: {results[^1].Load.PerSecond:F0}/s ({results[^1].Statuses})");
        }
    }

    /// <summary>A token per client, with a subject of its own: the service limits and records commands per subject.</summary>
    private AuthenticationHeaderValue[] Tokens(TokenIssuer issuer, string subject, string[] roles, string[] sirens) =>
        [.. Enumerable.Range(0, _concurrencies.Max()).Select(i =>
            new AuthenticationHeaderValue("Bearer", issuer.Issue(new TokenRequest($"{subject}-{i}", roles, sirens, TimeSpan.FromHours(12)))))];

    /// <summary>
    /// The service opens two pools from the one connection string it is given: the ledger's at its Max Pool Size and
    /// the reports' at a quarter of it. Sized so that both, with some headroom, stay under max_connections (100 by
    /// default): at 128 clients PostgreSQL would otherwise refuse with "too many clients".
    /// </summary>
    private async Task<(string ConnectionString, int PoolSize, int MaxConnections)> ServiceConnectionAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT current_setting('max_connections')::int");
        var maxConnections = (int)(await command.ExecuteScalarAsync())!;
        var poolSize = Math.Clamp((maxConnections - 20) * 4 / 5, 4, 64);
        return (new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize }.ConnectionString, poolSize, maxConnections);
    }
}
