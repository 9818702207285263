using CoopLedger.EventStore.GlobalLog;

namespace CoopLedger.EventStore.Projections;

/// <summary>Where a projection stands.</summary>
/// <param name="Name">The projection.</param>
/// <param name="Checkpoint">How far it has applied the global log.</param>
/// <param name="Status"><c>running</c>, or <c>failed</c> when an event could not be applied.</param>
/// <param name="FailedPosition">The position of that event.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="UpdatedAt">When the checkpoint last moved.</param>
/// <param name="Version">The version of the generation serving.</param>
/// <param name="RebuildRequestedAt">When a rebuild was asked for that has not been swapped in yet.</param>
public sealed record ProjectionState(
    string Name, LogCheckpoint Checkpoint, string Status, long? FailedPosition, string? Error, DateTimeOffset UpdatedAt,
    int? Version = null, DateTimeOffset? RebuildRequestedAt = null);
