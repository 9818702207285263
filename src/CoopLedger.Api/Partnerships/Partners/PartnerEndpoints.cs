using CoopLedger.Api.Commands;
using CoopLedger.Api.Documentation;
using CoopLedger.Api.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Partners;

/// <summary>A partner joins.</summary>
public sealed record JoinPartnerBody(string? Name, [property: OneOf(typeof(PartnerKind))] string? Kind, string? Country = null, string? Siren = null) : CommandBody;

/// <summary>Partners joining and leaving.</summary>
public static class PartnerEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapPartners(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/partners", (Guid id, JoinPartnerBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var command = new JoinPartner(Guid.CreateVersion7(), errors.Text(body.Name, "name", 300), errors.Enum<PartnerKind>(body.Kind, "kind"),
                body.Country is null ? null : errors.Country(body.Country, "country"),
                body.Siren is null ? null : errors.Siren(body.Siren, "siren"));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                CreatedIds = new Dictionary<string, object?> { ["partnerId"] = command.PartnerId },
            });
        }).WithName("JoinPartner").WithSummary("A partner joins (PartnerJoined)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/partners/{partnerId:guid}/departure",
            (Guid id, Guid partnerId, NoFieldsBody? body, HttpContext http, CommandExecutor commands) =>
                commands.ExecuteAsync(http, new CommandSpec(id, body ?? new(), new(), (state, _) => new LeavePartner(partnerId).Decide(state))))
            .WithName("LeavePartner").WithSummary("A partner leaves (PartnerLeft)")
            .ForOfficers();
        return partnerships;
    }
}
