using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using Npgsql;
using NpgsqlTypes;

namespace CoopLedger.Bench;

/// <summary>
/// Store appends (version check, idempotency check, hash chain, stream row) against raw INSERTs of the same rows
/// into a table with the same columns and indexes, on the same database, at several concurrencies and batch sizes.
/// </summary>
/// <param name="dataSource">The database both sides write to.</param>
/// <param name="duration">How long each run measures.</param>
/// <param name="concurrencies">The numbers of clients to run (1, 8 and 32 when null).</param>
/// <param name="batchSizes">The events per append to run (1 and 10 when null).</param>
/// <param name="runs">
/// How many times to measure each level: this host's speed swings by a third from one minute to the next, so one pair
/// of runs says little; the sides take turns going first, and the ratios' median and range are printed after the runs.
/// </param>
/// <param name="pairs">When above 0, the store and raw in that many pairs of short slices instead (<see cref="RunPairsAsync"/>).</param>
internal sealed partial class AppendBenchmark(
    NpgsqlDataSource dataSource, TimeSpan duration, int[]? concurrencies = null, int[]? batchSizes = null, int runs = 1, int pairs = 0)
{
    private readonly int[] _concurrencies = concurrencies ?? [1, 8, 32];
    private readonly int[] _batchSizes = batchSizes ?? [1, 10];

    // A type name of the benchmark's own: under the domain's "action_added", the service's projections would take these
    // events for a partnership's when the database is used again (the HTTP benchmark runs the service on it).
    private const string TypeName = "bench_action_added";

    /// <summary>How long each side runs its level unmeasured before its measured run.</summary>
    private static readonly TimeSpan SideWarmUp = TimeSpan.FromSeconds(1);

    private static readonly EventTypeRegistry Types = new EventTypeRegistry().Register<ActionAdded>(TypeName);

    private readonly PostgresEventStore _store = new(dataSource, Types);

    /// <summary>The store without group commit: every append its own transaction, as every raw INSERT is.</summary>
    private readonly PostgresEventStore _ungrouped = new(dataSource, Types) { AppendWriters = int.MaxValue, MaxAppendsPerGroup = 1 };

    public async Task RunAsync(TextWriter output)
    {
        await PrepareRawTableAsync();
        if (pairs > 0)
        {
            await RunPairsAsync(output);
            return;
        }

        output.WriteLine($"Append throughput, {duration.TotalSeconds:F0} s per run (store = CoopLedger append, concurrent appends in group commits; "
            + "ungrouped = the store with one transaction per append; raw = plain INSERT of the same rows, one transaction each)");
        output.WriteLine("| batch | clients | store events/s | ungrouped events/s | raw events/s | ratio | ungrouped ratio | store p50 ms | store p99 ms | raw p50 ms | raw p99 ms | CPU µs/append store | ungrouped | raw | appends/group |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var ratios = new List<AppendRatios>();
        foreach (var batch in _batchSizes)
        {
            foreach (var clients in _concurrencies)
            {
                var level = new AppendRatios(batch, clients);
                ratios.Add(level);
                for (var run = 0; run < runs; run++)
                {
                    var (raw, store, ungrouped) = await MeasureSidesAsync(clients, batch, reversed: run % 2 == 1);
                    level.Add(store.EventsPerSecond / raw.EventsPerSecond, ungrouped.EventsPerSecond / raw.EventsPerSecond);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {batch} | {clients} | {store.EventsPerSecond:F0} | {ungrouped.EventsPerSecond:F0} | {raw.EventsPerSecond:F0} | "
                        + $"{level.Store[^1]:F2} | {level.Ungrouped[^1]:F2} | "
                        + $"{store.Latency.Percentile(0.5):F2} | {store.Latency.Percentile(0.99):F2} | {raw.Latency.Percentile(0.5):F2} | {raw.Latency.Percentile(0.99):F2} | "
                        + $"{store.Cpu} | {ungrouped.Cpu} | {raw.Cpu} | {store.MeanGroup:F1} |"));
                }
            }
        }

        if (runs > 1)
        {
            AppendRatios.Print(output, runs, ratios);
        }
    }

    /// <summary>
    /// The three sides of a level, raw first, or in the reverse order, so that a host drifting during a level does not
    /// favour one side (the store, in the middle, is measured second either way).
    /// </summary>
    private async Task<(AppendRun Raw, AppendRun Store, AppendRun Ungrouped)> MeasureSidesAsync(int clients, int batch, bool reversed)
    {
        Func<Guid, long, int, Task>[] sides = [RawInsertAsync, StoreAppendAsync, UngroupedAppendAsync];
        var runs = new AppendRun[sides.Length];
        int[] order = reversed ? [2, 1, 0] : [0, 1, 2];
        foreach (var side in order)
        {
            runs[side] = await MeasureWithCpuAsync(clients, batch, sides[side]);
        }

        return (runs[0], runs[1], runs[2]);
    }

    /// <summary>
    /// One-event store appends at a concurrency, as in the table above: the baseline the HTTP benchmark divides its
    /// command throughput by (a command appends one event, and does everything else besides).
    /// </summary>
    public Task<(double EventsPerSecond, LatencyRecorder Latency)> MeasureStoreAppendsAsync(int clients, TimeSpan warmUp) =>
        MeasureAsync(clients, 1, StoreAppendAsync, warmUp);

    private async Task<(double EventsPerSecond, LatencyRecorder Latency)> MeasureAsync(
        int clients, int batch, Func<Guid, long, int, Task> appendOnce, TimeSpan warmUp = default)
    {
        var run = await MeasureWithCpuAsync(clients, batch, appendOnce, warmUp);
        return (run.EventsPerSecond, run.Latency);
    }

    private async Task<AppendRun> MeasureWithCpuAsync(int clients, int batch, Func<Guid, long, int, Task> appendOnce, TimeSpan warmUp = default)
    {
        // Warm the pool (a connection per client), the plans and the JIT with the same level, unmeasured: a side that went
        // first in the process, or first at a new number of clients, paid for them in its measured run (raw's first run
        // of a pair made 5,251-6,676 events/s at 8 clients where its second made 8,520-9,210).
        var client = Clients(batch, appendOnce);
        await ClosedLoop.RunAsync(clients, TimeSpan.Zero, SideWarmUp, client);
        var cpu = new CpuMeter(Process.GetCurrentProcess());
        using var groups = new GroupSizeMeter();
        var before = cpu.Now();
        var result = await ClosedLoop.RunAsync(clients, warmUp, duration, client);
        var after = cpu.Now();
        var appends = result.PerSecond * duration.TotalSeconds / batch;
        return new AppendRun(result.PerSecond, result.Latency,
            (after.Service - before.Service).TotalMicroseconds / appends, (after.Postgres - before.Postgres).TotalMicroseconds / appends, groups.Mean);
    }

    /// <summary>Closed-loop clients that each append <paramref name="batch"/> events at a time to a stream of their own.</summary>
    private static Func<int, LoopStep> Clients(int batch, Func<Guid, long, int, Task> appendOnce) => _ =>
    {
        // Each client writes its own stream, as officers mostly do, so the figures measure the store and not lock waits.
        var stream = Guid.NewGuid();
        var version = 0L;
        return async _ =>
        {
            await appendOnce(stream, version, batch);
            version += batch;
            return batch;
        };
    };

    /// <summary>
    /// A run's throughput, latency, CPU per append in this process and in PostgreSQL (µs; warm-up included), and the
    /// mean appends per group commit.
    /// </summary>
    private sealed record AppendRun(double EventsPerSecond, LatencyRecorder Latency, double ClientMicroseconds, double ServerMicroseconds, double MeanGroup)
    {
        public string Cpu => string.Create(CultureInfo.InvariantCulture, $"{ClientMicroseconds:F0}+{ServerMicroseconds:F0}");
    }

    private Task<AppendResult> StoreAppendAsync(Guid stream, long version, int batch) => AppendAsync(_store, stream, version, batch);

    private Task<AppendResult> UngroupedAppendAsync(Guid stream, long version, int batch) => AppendAsync(_ungrouped, stream, version, batch);

    private static Task<AppendResult> AppendAsync(PostgresEventStore store, Guid stream, long version, int batch) =>
        store.AppendAsync(stream, "bench", ExpectedVersion.Exactly(version), Events(batch),
            new AppendMetadata("bench-officer", "benchmark", "corr"), CancellationToken.None);

    private async Task RawInsertAsync(Guid stream, long version, int batch)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO bench.raw_events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at,
                actor, reason, correlation_id, log_order, hash)
            SELECT id, $2, $3 + n, '{TypeName}', 1, d, now(), now(), 'bench-officer', 'benchmark', 'corr', pg_current_xact_id(), $5
            FROM unnest($1::uuid[], $4::jsonb[]) WITH ORDINALITY AS e(id, d, n)
            """);
        command.Parameters.Add(new() { Value = Enumerable.Range(0, batch).Select(_ => Guid.CreateVersion7()).ToArray() });
        command.Parameters.Add(new() { Value = stream });
        command.Parameters.Add(new() { Value = version });
        command.Parameters.Add(new()
        {
            Value = Events(batch).Select(e => JsonSerializer.Serialize(e.Data, JsonSerializerOptions.Web)).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
        });
        command.Parameters.Add(new() { Value = new byte[32] });
        await command.ExecuteNonQueryAsync();
    }

    private async Task PrepareRawTableAsync()
    {
        // Same columns, defaults, indexes and unique constraints as ledger.events (LIKE ... INCLUDING ALL).
        await using var command = dataSource.CreateCommand("""
            CREATE SCHEMA IF NOT EXISTS bench;
            DROP TABLE IF EXISTS bench.raw_events;
            CREATE TABLE bench.raw_events (LIKE ledger.events INCLUDING ALL);
            """);
        await command.ExecuteNonQueryAsync();
    }

    private static NewEvent[] Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new NewEvent(new ActionAdded(Guid.NewGuid(), Guid.NewGuid(), $"Échanges de formateurs {i}")))];

    private sealed record ActionAdded(Guid ChallengeId, Guid ActionId, string Title);
}
