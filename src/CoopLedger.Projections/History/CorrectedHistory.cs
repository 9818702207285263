using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore.Events;

namespace CoopLedger.Projections.History;

/// <summary>
/// A stream's events as corrected by the corrections among them: each corrected event carries its new field values
/// (and effective time), corrections themselves drop out. Folding this instead of the raw stream is what makes a
/// correction hold at every effective date; reading only what was recorded by <c>knownAt</c> first is what keeps
/// the old values for views as known before the correction.
/// </summary>
public static class CorrectedHistory
{
    /// <summary>The change key that corrects when an event held in the real world.</summary>
    public const string EffectiveAt = "effectiveAt";

    /// <summary>Applies the corrections, in the order they were recorded.</summary>
    public static IReadOnlyList<RecordedEvent> Apply(IReadOnlyList<RecordedEvent> events, EventTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(types);
        var corrections = events.Where(e => e.Data is CorrectionRecorded).ToList();
        if (corrections.Count == 0)
        {
            return events;
        }

        var resolved = corrections.ToDictionary(c => c.EventId, c => (Target: ((CorrectionRecorded)c.Data).CorrectsEventId,
            Changes: new Dictionary<string, JsonElement>(((CorrectionRecorded)c.Data).Changes, StringComparer.Ordinal)));
        var changesByEvent = new Dictionary<Guid, Dictionary<string, JsonElement>>();
        // Latest first, so that in a chain (C3 corrects C2, which corrects C1) C3 reaches C2 before C2 reaches C1.
        foreach (var correction in Enumerable.Reverse(corrections))
        {
            var (target, changes) = resolved[correction.EventId];
            // A correction of a correction corrects the values that correction gives.
            var into = resolved.TryGetValue(target, out var corrected) ? corrected.Changes : null;
            if (into is not null)
            {
                Merge(into, changes);
            }
        }

        foreach (var correction in corrections)
        {
            var (target, changes) = resolved[correction.EventId];
            if (!resolved.ContainsKey(target))
            {
                Merge(changesByEvent.TryGetValue(target, out var merged) ? merged : changesByEvent[target] = new(StringComparer.Ordinal), changes);
            }
        }

        return [.. events.Where(e => e.Data is not CorrectionRecorded)
            .Select(e => changesByEvent.TryGetValue(e.EventId, out var changes) ? Corrected(e, changes, types) : e)];
    }

    /// <summary>The event with the changes applied; throws <see cref="JsonException"/> when a value does not fit its field.</summary>
    public static RecordedEvent Corrected(RecordedEvent recorded, IReadOnlyDictionary<string, JsonElement> changes, EventTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(types);
        var data = Fields(recorded, types);
        var effectiveAt = recorded.EffectiveAt;
        foreach (var (field, value) in changes)
        {
            if (field == EffectiveAt)
            {
                effectiveAt = ParseInstant(value);
            }
            else
            {
                data[field] = JsonNode.Parse(value.GetRawText());
            }
        }

        var type = types.Describe(recorded.Data);
        return recorded with { Data = types.Deserialize(type.Name, type.SchemaVersion, data.ToJsonString()), EffectiveAt = effectiveAt };
    }

    /// <summary>The event's fields as stored (camelCase JSON).</summary>
    public static JsonObject Fields(RecordedEvent recorded, EventTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(types);
        return (JsonObject)JsonNode.Parse(types.Serialize(recorded.Data))!;
    }

    private static void Merge(Dictionary<string, JsonElement> into, IReadOnlyDictionary<string, JsonElement> changes)
    {
        foreach (var (field, value) in changes)
        {
            into[field] = value;
        }
    }

    private static DateTimeOffset ParseInstant(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException("effectiveAt is a date or an instant.");
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                ? instant
                : throw new JsonException($"effectiveAt '{text}' is not a date or an instant.");
    }
}
