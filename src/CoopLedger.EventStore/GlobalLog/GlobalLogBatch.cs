using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.GlobalLog;

/// <summary>A batch of the global log and the checkpoint to read from next.</summary>
public sealed record GlobalLogBatch(IReadOnlyList<RecordedEvent> Events, LogCheckpoint Next);
