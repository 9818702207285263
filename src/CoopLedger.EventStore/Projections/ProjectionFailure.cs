namespace CoopLedger.EventStore.Projections;

/// <summary>A projection that stopped on the event at <paramref name="Position"/>, or whose rebuild failed (no position).</summary>
public sealed record ProjectionFailure(string Projection, long? Position, Exception Error);
