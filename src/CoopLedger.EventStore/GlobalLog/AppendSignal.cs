using Npgsql;

namespace CoopLedger.EventStore.GlobalLog;

/// <summary>
/// Wakes readers of the global log when events have committed, so they need not poll. Local appends wake this
/// process's readers at once and tell other processes through a PostgreSQL NOTIFY sent after the commit.
/// </summary>
/// <remarks>
/// The NOTIFY is deliberately not part of the append transaction: PostgreSQL serializes the commits of notifying
/// transactions on one lock, which would throttle concurrent appends. It is sent afterwards, coalesced to one at
/// a time per process; a lost NOTIFY only delays a remote reader until its next bounded wait.
/// </remarks>
public sealed class AppendSignal(NpgsqlDataSource? notifyThrough = null)
{
    /// <summary>The channel other processes listen on.</summary>
    public const string Channel = "ledger_events";

    private TaskCompletionSource _next = NewSource();
    private int _notifyPending;
    private int _notifying;

    /// <summary>Events this process appended have committed: wake local readers and tell other processes.</summary>
    public void Raise()
    {
        Wake();
        if (notifyThrough is null)
        {
            return;
        }

        Volatile.Write(ref _notifyPending, 1);
        if (Interlocked.CompareExchange(ref _notifying, 1, 0) == 0)
        {
            _ = Task.Run(NotifyWhilePendingAsync);
        }
    }

    /// <summary>Events committed elsewhere (a NOTIFY arrived): wake local readers only.</summary>
    public void Wake() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Waits until the next wake-up or the timeout, whichever comes first; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        var finished = await Task.WhenAny(next, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return finished == next;
    }

    private async Task NotifyWhilePendingAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _notifyPending, 0) == 1)
            {
                await using var command = notifyThrough!.CreateCommand($"NOTIFY {Channel}");
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // Remote readers fall back to their bounded wait; the events themselves are safely committed.
        }
        finally
        {
            Volatile.Write(ref _notifying, 0);
            if (Volatile.Read(ref _notifyPending) == 1 && Interlocked.CompareExchange(ref _notifying, 1, 0) == 0)
            {
                _ = Task.Run(NotifyWhilePendingAsync);
            }
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
