using CoopLedger.Projections.History;
using System.Security.Claims;
using System.Text.Json;
using CoopLedger.Api.Commands;
using CoopLedger.Api.Security;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;

namespace CoopLedger.Api.Partnerships.Corrections;

/// <summary>Correct a recorded event.</summary>
public sealed record RecordCorrectionBody(Guid? CorrectsEventId, IReadOnlyDictionary<string, JsonElement>? Changes) : CommandBody;

/// <summary><c>POST /api/partnerships/{id}/corrections</c>.</summary>
public static class CorrectionEndpoints
{
    /// <summary>Maps the route.</summary>
    public static RouteGroupBuilder MapCorrections(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/corrections", async (Guid id, RecordCorrectionBody body, HttpContext http, CommandExecutor commands, PostgresEventStore store) =>
        {
            var errors = new RequestErrors();
            var target = errors.Required(body.CorrectsEventId, "correctsEventId");
            errors.Text(body.Reason, "reason");
            if (body.Changes is not { Count: > 0 })
            {
                errors.Add("changes", "At least one corrected field.");
            }
            else if (!errors.Any)
            {
                await CheckAgainstStreamAsync(id, target, body.Changes, errors, store, http.User, http.RequestAborted);
            }

            var command = new RecordCorrection(target, body.Changes ?? new Dictionary<string, JsonElement>());
            return await commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
        })
        .WithName("RecordCorrection")
        .WithSummary("Correct a recorded event (CorrectionRecorded)")
        .WithDescription("changes uses the corrected event's field names and JSON types as its history shows them; "
            + "effectiveAt corrects when it held. 404 for an event that is not in this partnership's stream, 400 for a field it does not have.")
        .ForOfficers();
        return partnerships;
    }

    /// <summary>
    /// The corrected event must be in this stream and have every changed field; the event as the whole chain of
    /// corrections would leave it must still read and keep the domain's rules (or every later fold would fail); and
    /// the partnership's French authorities must stay as they are. The caller's scope is checked first, so that an
    /// outsider learns nothing about the stream's events.
    /// </summary>
    private static async Task CheckAgainstStreamAsync(
        Guid id, Guid target, IReadOnlyDictionary<string, JsonElement> changes, RequestErrors errors, PostgresEventStore store,
        ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var history = await store.ReadStreamAsync(id, null, cancellationToken);
        var before = Fold(CorrectedHistory.Apply(history, store.Types));
        if (before.Exists)
        {
            caller.RequireWriteAccess(before);
        }

        var byId = history.ToDictionary(e => e.EventId);
        var corrected = byId.GetValueOrDefault(target) ?? throw new EntityNotFoundException("event", target);
        // A correction's own fields are the values it gives; an ordinary event's are its data, plus when it held.
        var fields = corrected.Data is CorrectionRecorded earlier
            ? earlier.Changes.Keys.ToHashSet(StringComparer.Ordinal)
            : [.. CorrectedHistory.Fields(corrected, store.Types).Select(f => f.Key), CorrectedHistory.EffectiveAt];
        foreach (var field in changes.Keys.Where(f => !fields.Contains(f)))
        {
            errors.Add($"changes.{field}", $"Event {target} ({corrected.Type}) has no field '{field}'.");
        }

        if (errors.Any)
        {
            return;
        }

        // Follow the chain down to the ordinary event, then read it as the history with this correction would.
        var root = corrected;
        while (root.Data is CorrectionRecorded link && byId.TryGetValue(link.CorrectsEventId, out var next))
        {
            root = next;
        }

        var proposal = root with { EventId = Guid.NewGuid(), Version = long.MaxValue, Data = new CorrectionRecorded(target, changes) };
        try
        {
            var correctedHistory = CorrectedHistory.Apply([.. history, proposal], store.Types);
            EventInvariants.Check(correctedHistory.Single(e => e.EventId == root.EventId).Data);
            RequireSameAuthorities(before, Fold(correctedHistory));
        }
        catch (Exception invalid) when (invalid is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            errors.Add("changes", $"The new values do not fit event {root.EventId} ({root.Type}): {invalid.Message}");
        }
        catch (CommandRefusedException refused) when (refused.Code != AuthoritiesByPartners)
        {
            errors.Add("changes", $"The corrected event would break a rule: {refused.Message}");
        }
    }

    private const string AuthoritiesByPartners = "authorities-by-partners";

    /// <summary>
    /// Who may write to a partnership follows from its French authorities: a correction that added, removed or
    /// replaced one would hand the partnership to another authority or lock one out. They change only as partners
    /// join and leave, commands every authority of the partnership sees in its history.
    /// </summary>
    private static void RequireSameAuthorities(PartnershipState before, PartnershipState after)
    {
        if (!before.FrenchAuthoritySirens.ToHashSet(StringComparer.Ordinal).SetEquals(after.FrenchAuthoritySirens))
        {
            throw new CommandRefusedException(AuthoritiesByPartners,
                "A correction cannot change which French authorities take part (their SIRENs): authorities join and leave as partners.");
        }
    }

    private static PartnershipState Fold(IEnumerable<RecordedEvent> history) => PartnershipEvolution.Fold(history.Select(e => e.Data));
}
