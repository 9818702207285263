namespace CoopLedger.EventStore.GlobalLog;

/// <summary>
/// How far a reader of the global log has read, in commit-safe order: the writing transaction's id, then the
/// position. Positions alone are not enough, as sequences hand them out before commit, in another order.
/// </summary>
public readonly record struct LogCheckpoint(long TransactionId, long Position)
{
    /// <summary>Before the first event.</summary>
    public static LogCheckpoint Start { get; } = new(0, 0);
}
