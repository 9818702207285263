namespace CoopLedger.EventStore.Appending;

/// <summary>What <c>ledger.append</c> or <c>ledger.append_group</c> answered.</summary>
/// <param name="Outcome">
/// <c>appended</c>, <c>duplicate</c> or <c>conflict</c>; from a group also <see cref="Alone"/> (nothing written: the
/// append is to run alone, its stream being held by another transaction, or its checks being ones a group does not make).
/// </param>
/// <param name="Version">The stream's version after the append (its current version, on a conflict).</param>
/// <param name="Position">The global position of the last event appended (or of the original append's, for a duplicate).</param>
internal sealed record AppendOutcome(string Outcome, long Version, long Position)
{
    /// <summary>The outcome of an append that wrote its events.</summary>
    public const string Appended = "appended";

    /// <summary>The outcome of a group's append left to run alone (<c>ledger.append_group</c> says which).</summary>
    public const string Alone = "alone";

    /// <summary>What the database recorded of the events, when the append wrote them.</summary>
    public RecordedParts? Recorded { get; init; }
}

/// <summary>What the database recorded of an append's events beyond what the writer sent (per event, in version order).</summary>
/// <param name="RecordedAt">The recording instant, the same for every event of the append.</param>
/// <param name="TransactionId">The writing transaction.</param>
/// <param name="LogOrder">The events' place in the global log's order.</param>
/// <param name="Positions">Each event's global position.</param>
/// <param name="EffectiveAt">Each event's business time (the recording instant when the writer gave none).</param>
/// <param name="ChainedFrom">The hash the first event chains from (the stream's previous event's); null for a stream's first event.</param>
/// <param name="Hashes">Each event's hash.</param>
internal sealed record RecordedParts(
    DateTimeOffset RecordedAt, long TransactionId, long LogOrder, long[] Positions, DateTimeOffset[] EffectiveAt, byte[]? ChainedFrom, byte[][] Hashes);
