namespace CoopLedger.EventStore.GlobalLog;

/// <summary>
/// How far a reader of the global log has read, in commit-safe order: the event's log order (its writing
/// transaction's id, or its stream's previous event's log order when later), then the position. Positions alone are
/// not enough, as sequences hand them out before commit, in another order.
/// </summary>
public readonly record struct LogCheckpoint(long LogOrder, long Position) : IComparable<LogCheckpoint>
{
    /// <summary>Before the first event.</summary>
    public static LogCheckpoint Start { get; } = new(0, 0);

    /// <inheritdoc />
    public int CompareTo(LogCheckpoint other) =>
        LogOrder != other.LogOrder ? LogOrder.CompareTo(other.LogOrder) : Position.CompareTo(other.Position);

    /// <summary>Whether this is earlier in commit order.</summary>
    public static bool operator <(LogCheckpoint left, LogCheckpoint right) => left.CompareTo(right) < 0;

    /// <summary>Whether this is later in commit order.</summary>
    public static bool operator >(LogCheckpoint left, LogCheckpoint right) => left.CompareTo(right) > 0;

    /// <summary>Whether this is not later in commit order.</summary>
    public static bool operator <=(LogCheckpoint left, LogCheckpoint right) => left.CompareTo(right) <= 0;

    /// <summary>Whether this is not earlier in commit order.</summary>
    public static bool operator >=(LogCheckpoint left, LogCheckpoint right) => left.CompareTo(right) >= 0;
}
