namespace CoopLedger.EventStore.Integrity;

/// <summary>
/// An event exactly as stored, with every input of its hash as it was hashed (the data as PostgreSQL's canonical
/// jsonb text, not re-serialized): what an auditor exports and verifies.
/// </summary>
public sealed record StoredEvent(
    Guid StreamId,
    long Version,
    Guid EventId,
    long Position,
    string Type,
    int SchemaVersion,
    string Data,
    DateTimeOffset EffectiveAt,
    DateTimeOffset RecordedAt,
    string Actor,
    string? Reason,
    string? CorrelationId,
    string? CausationId,
    byte[]? PreviousHash,
    byte[] Hash)
{
    /// <summary>The hash this event should have after <paramref name="previousHash"/>.</summary>
    public byte[] ExpectedHash(byte[]? previousHash) =>
        EventHash.Compute(previousHash, StreamId, Version, Type, SchemaVersion, Data, EffectiveAt, RecordedAt, Actor, Reason);
}
