using System.Collections.Concurrent;
using CoopLedger.EventStore.Telemetry;
using Npgsql;

namespace CoopLedger.EventStore.Appending;

/// <summary>
/// Group commit: appends that arrive while every writer is busy wait for the next free one, which sends all of them
/// in one call of <c>ledger.append_group</c>: one round trip, one transaction and one commit for all, and inside
/// PostgreSQL one statement per step for all the appends instead of one per append.
/// </summary>
/// <remarks>
/// An append waits only when all writers are busy, so a lone writer's latency does not change. Each append keeps its
/// own version check and its own answer (a conflict is an outcome, not an error, and does not disturb the others),
/// and is acknowledged only once its group has committed. Should a statement of a group fail, nothing of the group
/// has committed: each of its appends then runs again alone, so that only the one at fault fails.
/// </remarks>
/// <param name="dataSource">Where the appends go.</param>
/// <param name="maxWriters">How many groups may be in flight at once.</param>
/// <param name="maxGroupSize">How many appends one group takes at most.</param>
internal sealed class GroupCommit(NpgsqlDataSource dataSource, int maxWriters, int maxGroupSize)
{
    private readonly ConcurrentQueue<Waiting> _queue = new();
    private int _writers;

    /// <summary>Runs an append in the next group and answers once that group has committed.</summary>
    public Task<AppendOutcome> AppendAsync(AppendStatement statement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiting = new Waiting(statement, new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        _queue.Enqueue(waiting);
        StartWriterIfNeeded();
        return waiting.Done.Task.WaitAsync(cancellationToken);
    }

    private void StartWriterIfNeeded()
    {
        while (!_queue.IsEmpty)
        {
            var writers = Volatile.Read(ref _writers);
            if (writers >= maxWriters)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _writers, writers + 1, writers) == writers)
            {
                _ = Task.Run(WriteAsync);
                return;
            }
        }
    }

    /// <summary>A writer sends groups until nothing waits, then stops.</summary>
    private async Task WriteAsync()
    {
        try
        {
            while (Take() is { Count: > 0 } group)
            {
                await SendAsync(group).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
            // An append may have been queued after this writer found the queue empty and before it counted itself out.
            StartWriterIfNeeded();
        }
    }

    private List<Waiting> Take()
    {
        var group = new List<Waiting>();
        while (group.Count < maxGroupSize && _queue.TryDequeue(out var waiting))
        {
            // An append whose caller gave up before it was sent is not sent.
            if (!waiting.Cancellation.IsCancellationRequested)
            {
                group.Add(waiting);
            }
        }

        // Groups lock their streams in one order (stable: one stream's appends keep theirs), so two groups in flight
        // never wait for each other in a cycle.
        return [.. group.OrderBy(w => w.Statement.StreamId)];
    }

    private async Task SendAsync(List<Waiting> group)
    {
        try
        {
            var outcomes = await RunAsync(group).ConfigureAwait(false);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (PostgresException) when (group.Count > 1)
        {
            // The server refused a statement, so the whole group rolled back: run each alone to find the one at fault.
            foreach (var waiting in group)
            {
                await SendAsync([waiting]).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Whatever failed the group (a lost connection, a timeout) is each waiting caller's to see.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(failure);
            }
        }
    }

    private async Task<AppendOutcome[]> RunAsync(List<Waiting> group)
    {
        EventStoreTelemetry.AppendGroupSize.Record(group.Count);
        // Not the callers' cancellation: the group is everyone's. The data source's command timeout bounds it.
        await using var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        // One statement, so one transaction: all of the group commits, or none of it. An append alone costs less
        // through ledger.append, whose statements are all it needs.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(group.Count == 1 ? group[0].Statement.ToCommand() : AppendStatement.ToGroupCommand([.. group.Select(w => w.Statement)]));
        var outcomes = new AppendOutcome[group.Count];
        await using (var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < group.Count; i++)
            {
                outcomes[i] = await AppendStatement.ReadOutcomeAsync(reader, CancellationToken.None).ConfigureAwait(false);
            }
        }

        // The reader is closed only once the server is ready for the next query, that is once the group has committed.
        return outcomes;
    }

    private sealed record Waiting(AppendStatement Statement, TaskCompletionSource<AppendOutcome> Done, CancellationToken Cancellation);
}
