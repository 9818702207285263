namespace CoopLedger.EventStore.Reading;

/// <summary>Which events of a stream to read, on both time axes, and in which order.</summary>
public sealed record StreamReadOptions
{
    /// <summary>Read all of the stream, in version order.</summary>
    public static StreamReadOptions All { get; } = new();

    /// <summary>Only events up to this version (inclusive).</summary>
    public long? UpToVersion { get; init; }

    /// <summary>Only events after this version (e.g. those an append just wrote).</summary>
    public long? AfterVersion { get; init; }

    /// <summary>Only events the ledger had recorded at this instant ("as known at").</summary>
    public DateTimeOffset? RecordedAtOrBefore { get; init; }

    /// <summary>Only events effective at or before this instant ("as of").</summary>
    public DateTimeOffset? EffectiveAtOrBefore { get; init; }

    /// <summary>Order by effective time (version breaking ties) instead of by version: how a bitemporal state folds.</summary>
    public bool InEffectiveOrder { get; init; }
}
