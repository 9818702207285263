using System.Data;
using System.Runtime.CompilerServices;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Reading;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Rebuilds a projection without downtime: loads a shadow generation from one consistent cut of the log, stream
/// by stream; catches it up with the log in batches while the serving generation keeps serving (and keeps being
/// updated); then, holding the checkpoint row, applies the last events and swaps the generations in one transaction.
/// </summary>
public sealed class ProjectionRebuild(PostgresEventStore store, IProjection projection)
{
    private readonly GlobalLogReader _reader = new(store.DataSource, store.Types);

    /// <summary>How many events a catch-up transaction applies at most.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>Called once the shadow is loaded and indexed, before the catch-up (tests use it to append meanwhile).</summary>
    public Func<Task>? AfterLoad { get; init; }

    /// <summary>Runs the whole rebuild; returns the checkpoint the new generation serves from.</summary>
    public async Task<LogCheckpoint> RunAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (AfterLoad is not null)
        {
            await AfterLoad().ConfigureAwait(false);
        }

        // Most of the backlog in separate transactions, so the swap below holds the live projection back only briefly.
        while (true)
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var (next, applied) = await CatchUpAsync(connection, checkpoint, visible: false, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            checkpoint = next;
            if (applied < BatchSize)
            {
                break;
            }
        }

        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ProjectionCheckpoints.LockAsync(connection, projection.Name, cancellationToken).ConfigureAwait(false);
            var inline = store.Inline.Contains(projection.Name);
            if (inline)
            {
                // Appends that took the shared lock have committed; later ones wait and then write into the new
                // generation. So everything this snapshot sees is all the shadow may lack: read it, do not wait.
                await using var exclusive = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({InlineProjections.LockKey(projection.Name)})", connection);
                await exclusive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int applied;
            do
            {
                (checkpoint, applied) = await CatchUpAsync(connection, checkpoint, visible: inline, cancellationToken).ConfigureAwait(false);
            }
            while (applied > 0);

            await ProjectionGenerations.SwapAsync(connection, projection, checkpoint, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return checkpoint;
    }

    private async Task<LogCheckpoint> LoadAsync(CancellationToken cancellationToken)
    {
        await using var reader = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the whole read: every transaction older than its xmin has ended, so the events it shows
        // below that horizon are exactly the log up to a checkpoint the catch-up can continue from.
        await using var snapshot = await reader.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using (var memory = new NpgsqlCommand("SET LOCAL work_mem = '256MB'", reader))
        {
            await memory.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        string horizon;
        await using (var xmin = new NpgsqlCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", reader))
        {
            horizon = (string)(await xmin.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var checkpoint = LogCheckpoint.Start;
        await using (var last = new NpgsqlCommand("""
            SELECT log_order::text::bigint AS log_order_number, position FROM ledger.events WHERE log_order < $1::xid8
            ORDER BY log_order DESC, position DESC LIMIT 1
            """, reader))
        {
            last.Parameters.Add(new() { Value = horizon });
            await using var row = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                checkpoint = new LogCheckpoint(row.GetInt64(0), row.GetInt64(1));
            }
        }

        // The shadow's tables are committed empty, for the load's COPYs to fill on connections of their own. The
        // loaded rows are committed before they are indexed, so that the indexes too are built side by side. Nothing
        // reads a shadow until it is swapped in, and a rebuild interrupted after this point leaves one that the next
        // rebuild drops.
        await using (var creating = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ProjectionGenerations.CreateShadowAsync(creating, projection, cancellationToken).ConfigureAwait(false);
        }

        await using (var load = await ProjectionLoad.BeginAsync(store.DataSource, ProjectionGenerations.Shadow(projection.Name), projection.Tables, cancellationToken).ConfigureAwait(false))
        {
            await projection.LoadAsync(load, EventsByStreamAsync(reader, horizon, cancellationToken), cancellationToken).ConfigureAwait(false);
            await load.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await ProjectionGenerations.IndexShadowAsync(store.DataSource, projection, cancellationToken).ConfigureAwait(false);
        return checkpoint;
    }

    private async IAsyncEnumerable<RecordedEvent> EventsByStreamAsync(NpgsqlConnection reader, string horizon, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {EventRows.Columns} FROM ledger.events
            WHERE log_order < $1::xid8 AND ($2::text[] IS NULL OR type = ANY ($2))
            ORDER BY stream_id, version
            """, reader);
        command.Parameters.Add(new() { Value = horizon });
        command.Parameters.Add(new() { Value = (object?)projection.EventTypes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await using var rows = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return EventRows.Read(rows, store.Types);
        }
    }

    private async Task<(LogCheckpoint Next, int Applied)> CatchUpAsync(NpgsqlConnection connection, LogCheckpoint from, bool visible, CancellationToken cancellationToken)
    {
        var batch = visible
            ? await _reader.ReadVisibleAsync(connection, from, BatchSize, cancellationToken).ConfigureAwait(false)
            : await _reader.ReadAsync(connection, from, BatchSize, cancellationToken).ConfigureAwait(false);
        if (batch.Events.Count > 0)
        {
            var target = new ProjectionTarget(connection, ProjectionGenerations.Shadow(projection.Name), projection.Tables);
            await projection.ApplyAsync(target, batch.Events, cancellationToken).ConfigureAwait(false);
        }

        return (batch.Next, batch.Events.Count);
    }
}
