using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.Appending;

/// <summary>The outcome of an append.</summary>
/// <param name="StreamId">The stream appended to.</param>
/// <param name="Version">The stream's version after the append (its last event's version).</param>
/// <param name="Position">The global position of the append's last event: a read-your-writes token.</param>
/// <param name="WasDuplicate">True when the idempotency key had been used: nothing was written, this is the original result.</param>
public sealed record AppendResult(Guid StreamId, long Version, long Position, bool WasDuplicate)
{
    /// <summary>
    /// The events appended, equal in value to what a read of the stream gives (their data are the writer's own objects);
    /// empty for a duplicate, or when nothing was appended. Committed once the append's transaction is: a caller's own
    /// transaction may still roll them back.
    /// </summary>
    public IReadOnlyList<RecordedEvent> Events { get; init; } = [];
}
