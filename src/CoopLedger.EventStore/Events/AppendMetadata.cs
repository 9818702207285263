namespace CoopLedger.EventStore.Events;

/// <summary>Who appends, why, and how the append relates to other work; shared by the events of one append.</summary>
/// <param name="Actor">The authenticated subject (or "anonymous").</param>
/// <param name="Reason">Why, in the actor's words.</param>
/// <param name="CorrelationId">The trace or request the append belongs to.</param>
/// <param name="CausationId">The message or event that caused it.</param>
/// <param name="IdempotencyKey">A client's key: a second append with it to the same stream writes nothing.</param>
public sealed record AppendMetadata(
    string Actor,
    string? Reason = null,
    string? CorrelationId = null,
    string? CausationId = null,
    string? IdempotencyKey = null);
