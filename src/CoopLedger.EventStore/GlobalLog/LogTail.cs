using System.Collections.Concurrent;
using Npgsql;

namespace CoopLedger.EventStore.GlobalLog;

/// <summary>
/// The latest batches read off the global log, shared by the readers that follow it: projection daemons woken by the
/// same commits ask for the events after the same checkpoint, and all but the first get them without a query, already
/// deserialized.
/// </summary>
/// <remarks>
/// A batch is final once read: each of its events is older than the commit-safe horizon (see <see cref="GlobalLogReader"/>),
/// so no event can later appear among or before them. Asked again later from the same checkpoint, the log might give
/// more events, of which the batch kept is the first part; the next read goes on from its end. An empty batch is not
/// kept, as events may follow the checkpoint at any time.
/// </remarks>
public sealed class LogTail(GlobalLogReader reader, int capacity = 64)
{
    // Null: the read failed, and whoever waited for it reads for itself.
    private readonly ConcurrentDictionary<LogCheckpoint, Task<GlobalLogBatch?>> _batches = new();
    private readonly ConcurrentQueue<LogCheckpoint> _kept = new();

    /// <summary>
    /// Up to <paramref name="maxEvents"/> events after the checkpoint: those of a batch read from there before, or
    /// read on the caller's connection (and kept for the other readers).
    /// </summary>
    public async Task<GlobalLogBatch> ReadAsync(NpgsqlConnection connection, LogCheckpoint after, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var reading = new TaskCompletionSource<GlobalLogBatch?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _batches.GetOrAdd(after, reading.Task);
        if (shared != reading.Task)
        {
            return await shared.WaitAsync(cancellationToken).ConfigureAwait(false) is { } batch
                ? FirstOf(batch, maxEvents)
                : await reader.ReadAsync(connection, after, maxEvents, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var read = await reader.ReadAsync(connection, after, maxEvents, cancellationToken).ConfigureAwait(false);
            if (read.Events.Count == 0)
            {
                _batches.TryRemove(KeyValuePair.Create(after, reading.Task));
            }
            else
            {
                Keep(after);
            }

            reading.SetResult(read);
            return read;
        }
        catch
        {
            _batches.TryRemove(KeyValuePair.Create(after, reading.Task));
            reading.SetResult(null);
            throw;
        }
    }

    /// <summary>Remembers a batch kept, forgetting the oldest beyond the capacity.</summary>
    private void Keep(LogCheckpoint after)
    {
        _kept.Enqueue(after);
        while (_kept.Count > capacity && _kept.TryDequeue(out var oldest))
        {
            _batches.TryRemove(oldest, out _);
        }
    }

    private static GlobalLogBatch FirstOf(GlobalLogBatch batch, int maxEvents)
    {
        if (batch.Events.Count <= maxEvents)
        {
            return batch;
        }

        var last = batch.Events[maxEvents - 1];
        return new GlobalLogBatch([.. batch.Events.Take(maxEvents)], new LogCheckpoint(last.LogOrder, last.Position));
    }
}
