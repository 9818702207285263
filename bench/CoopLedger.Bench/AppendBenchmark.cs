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
/// into a table with the same columns and indexes, on the same database, at concurrency 1, 8 and 32.
/// </summary>
internal sealed class AppendBenchmark(NpgsqlDataSource dataSource, TimeSpan duration)
{
    private static readonly int[] Concurrencies = [1, 8, 32];
    private static readonly int[] BatchSizes = [1, 10];

    private readonly PostgresEventStore _store = new(dataSource, new EventTypeRegistry().Register<ActionAdded>("action_added"));

    public async Task RunAsync(TextWriter output)
    {
        await PrepareRawTableAsync();
        output.WriteLine($"Append throughput, {duration.TotalSeconds:F0} s per run (store = CoopLedger append; raw = plain INSERT of the same rows)");
        output.WriteLine("| batch | clients | store events/s | raw events/s | ratio | store p50 ms | store p99 ms | raw p50 ms | raw p99 ms |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var batch in BatchSizes)
        {
            foreach (var clients in Concurrencies)
            {
                var raw = await MeasureAsync(clients, batch, RawInsertAsync);
                var store = await MeasureAsync(clients, batch, StoreAppendAsync);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {batch} | {clients} | {store.EventsPerSecond:F0} | {raw.EventsPerSecond:F0} | {store.EventsPerSecond / raw.EventsPerSecond:F2} | "
                    + $"{store.Latency.Percentile(0.5):F2} | {store.Latency.Percentile(0.99):F2} | {raw.Latency.Percentile(0.5):F2} | {raw.Latency.Percentile(0.99):F2} |"));
            }
        }
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
        // Warm the pool and the plans, then measure.
        await appendOnce(Guid.NewGuid(), 0, batch);
        var result = await ClosedLoop.RunAsync(clients, warmUp, duration, _ =>
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
        });
        return (result.PerSecond, result.Latency);
    }

    private Task StoreAppendAsync(Guid stream, long version, int batch) =>
        _store.AppendAsync(stream, "bench", ExpectedVersion.Exactly(version), Events(batch),
            new AppendMetadata("bench-officer", "benchmark", "corr"), CancellationToken.None);

    private async Task RawInsertAsync(Guid stream, long version, int batch)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO bench.raw_events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at,
                actor, reason, correlation_id, hash)
            SELECT id, $2, $3 + n, 'action_added', 1, d, now(), now(), 'bench-officer', 'benchmark', 'corr', $5
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
