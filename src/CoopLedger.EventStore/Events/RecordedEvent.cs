namespace CoopLedger.EventStore.Events;

/// <summary>An event as stored: its data (upcast to the current schema) and all its metadata.</summary>
public sealed record RecordedEvent(
    long Position,
    Guid EventId,
    Guid StreamId,
    long Version,
    string Type,
    int SchemaVersion,
    object Data,
    DateTimeOffset RecordedAt,
    DateTimeOffset EffectiveAt,
    string Actor,
    string? Reason,
    string? CorrelationId,
    string? CausationId,
    long TransactionId,
    long LogOrder,
    byte[]? PreviousHash,
    byte[] Hash);
