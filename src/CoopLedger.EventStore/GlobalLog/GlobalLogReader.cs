using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.EventStore.Telemetry;
using Npgsql;

namespace CoopLedger.EventStore.GlobalLog;

/// <summary>
/// Reads every stream's events in commit-safe order, never skipping an event whose transaction commits late.
/// </summary>
/// <remarks>
/// The log is ordered by (<c>log_order</c>, position): an event's log order is its transaction's id, or its stream's
/// previous event's log order when that is later, so each stream comes in version order. Only events whose log order
/// is older than the oldest transaction still running (<c>pg_snapshot_xmin(pg_current_snapshot())</c>) are read: their
/// transactions (never younger than their log order) have all finished, so no event can later appear before the
/// checkpoint. A transaction still running holds the reader back instead of being skipped:
/// no timeout, no gap guessing.
/// </remarks>
public sealed class GlobalLogReader(NpgsqlDataSource dataSource, EventTypeRegistry types)
{
    /// <summary>Reads up to <paramref name="maxEvents"/> events after the checkpoint.</summary>
    public async Task<GlobalLogBatch> ReadAsync(LogCheckpoint after, int maxEvents, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, after, maxEvents, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads on the caller's connection, e.g. inside the transaction that will store the new checkpoint.</summary>
    public Task<GlobalLogBatch> ReadAsync(NpgsqlConnection connection, LogCheckpoint after, int maxEvents, CancellationToken cancellationToken) =>
        ReadAsync(connection, after, maxEvents, CommitSafeHorizon, cancellationToken);

    /// <summary>
    /// Reads every event the caller's snapshot sees after the checkpoint, without waiting for older transactions
    /// to end. Only for a caller that has excluded, by a lock, every writer that could still commit before it:
    /// a rebuild's swap of an inline projection.
    /// </summary>
    public Task<GlobalLogBatch> ReadVisibleAsync(NpgsqlConnection connection, LogCheckpoint after, int maxEvents, CancellationToken cancellationToken) =>
        ReadAsync(connection, after, maxEvents, "", cancellationToken);

    /// <summary>The statement reading the log after a checkpoint ($1 its log order as text, $2 its position; $3 the most events).</summary>
    /// <remarks>It must walk the (log_order, position) index from the checkpoint: a sort would cost the whole log per batch.</remarks>
    internal static string Query(string horizon) => $"""
        SELECT {EventRows.Columns} FROM ledger.events
        WHERE (log_order, position) > ($1::text::xid8, $2) {horizon}
        ORDER BY log_order, position
        LIMIT $3
        """;

    /// <summary>Only events whose transactions (never younger than their log order) have all finished.</summary>
    internal const string CommitSafeHorizon = "AND log_order < pg_snapshot_xmin(pg_current_snapshot())";

    private async Task<GlobalLogBatch> ReadAsync(NpgsqlConnection connection, LogCheckpoint after, int maxEvents, string horizon, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        using var activity = EventStoreTelemetry.Source.StartActivity("eventstore.read_global_log");
        await using var command = new NpgsqlCommand(Query(horizon), connection);
        command.Parameters.Add(new() { Value = after.LogOrder.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Position });
        command.Parameters.Add(new() { Value = maxEvents });

        var events = new List<RecordedEvent>(Math.Min(maxEvents, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(EventRows.Read(reader, types));
        }

        var next = events.Count == 0 ? after : new LogCheckpoint(events[^1].LogOrder, events[^1].Position);
        activity?.SetTag("coopledger.position", next.Position);
        activity?.SetTag("coopledger.event.count", events.Count);
        EventStoreTelemetry.EventsRead.Add(events.Count);
        return new GlobalLogBatch(events, next);
    }
}
