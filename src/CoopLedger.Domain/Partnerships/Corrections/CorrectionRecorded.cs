using System.Text.Json;

namespace CoopLedger.Domain.Partnerships.Corrections;

/// <summary>
/// A wrong record was corrected: the named event's fields take these values. It is not a real-world change:
/// as known before it, every view shows the old values; as known after it, the new ones at every effective date.
/// The key <c>effectiveAt</c> corrects when the event held in the real world. A correction of a correction
/// corrects the values that correction gave.
/// </summary>
public sealed record CorrectionRecorded(Guid CorrectsEventId, IReadOnlyDictionary<string, JsonElement> Changes);

/// <summary>Record a correction of an event of the partnership's stream.</summary>
public sealed record RecordCorrection(Guid CorrectsEventId, IReadOnlyDictionary<string, JsonElement> Changes)
{
    /// <summary>
    /// Refuses a correction of an unknown partnership or with no change; the target event and its fields are
    /// checked against the stream by the caller (the state does not keep event ids).
    /// </summary>
    public Decision Decide(PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RequireExists();
        return Changes.Count == 0
            ? throw new CommandRefusedException("correction-empty", "A correction changes at least one field.")
            : Decision.Record(new CorrectionRecorded(CorrectsEventId, Changes));
    }
}
