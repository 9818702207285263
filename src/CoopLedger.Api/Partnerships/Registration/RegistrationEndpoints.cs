using CoopLedger.Api.Commands;
using CoopLedger.Api.Documentation;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Registration;

/// <summary>A French local authority in a registration.</summary>
public sealed record FrenchAuthorityBody(string? Siren, string? Name, [property: OneOf(typeof(AuthorityKind))] string? Kind = null);

/// <summary>A foreign local authority in a registration.</summary>
public sealed record ForeignPartnerBody(string? Name, string? Country, string? Kind = null);

/// <summary>Register a partnership.</summary>
public sealed record RegisterPartnershipBody(
    string? Title,
    [property: OneOf(typeof(PartnershipForm))] string? Form,
    IReadOnlyList<FrenchAuthorityBody>? FrenchAuthorities,
    IReadOnlyList<ForeignPartnerBody>? ForeignPartners,
    IReadOnlyList<string>? PrimaryTheme = null) : CommandBody;

/// <summary>Assign a theme: priority 0 for the primary theme, 1 and up for the others.</summary>
public sealed record AssignThemeBody(IReadOnlyList<string>? Theme, int? Priority) : CommandBody;

/// <summary><c>POST /api/partnerships</c> and <c>POST /api/partnerships/{id}/themes</c>.</summary>
public static class RegistrationEndpoints
{
    /// <summary>Maps the route.</summary>
    public static RouteGroupBuilder MapRegistration(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("", (RegisterPartnershipBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var id = Guid.CreateVersion7();
            var command = new RegisterPartnership(
                id,
                errors.Text(body.Title, "title", 300),
                errors.Enum<PartnershipForm>(body.Form, "form"),
                [.. errors.Each(body.FrenchAuthorities, "frenchAuthorities", (a, at) => new FrenchAuthority(
                    errors.Siren(a.Siren, $"{at}.siren"), errors.Text(a.Name, $"{at}.name", 300),
                    a.Kind is null ? null : errors.Enum<AuthorityKind>(a.Kind, $"{at}.kind")))],
                [.. errors.Each(body.ForeignPartners, "foreignPartners", (p, at) => new ForeignPartner(
                    errors.Text(p.Name, $"{at}.name", 300), errors.Country(p.Country, $"{at}.country"), errors.Optional(p.Kind, $"{at}.kind", 100)))],
                errors.Theme(body.PrimaryTheme, "primaryTheme"));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { CreatesPartnership = true });
        })
        .Produces<CommandResponse>(StatusCodes.Status201Created)
        .WithName("RegisterPartnership")
        .WithSummary("Register a partnership")
        .WithDescription("Records PartnershipRegistered; answers 201 with the new id and a Location.")
        .ForOfficers();

        partnerships.MapPost("/{id:guid}/themes", (Guid id, AssignThemeBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var theme = errors.Theme(body.Theme, "theme");
            if (theme is null)
            {
                errors.Add("theme", "This field is required.");
            }

            var priority = errors.Required(body.Priority, "priority");
            if (priority < 0)
            {
                errors.Add("priority", "0 for the primary theme, 1 and up for the others.");
            }

            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => new AssignTheme(theme!, priority).Decide(state)));
        })
        .WithName("AssignTheme")
        .WithSummary("Assign a theme, primary (priority 0) or ranked (ThemeAssigned)")
        .ForOfficers();
        return partnerships;
    }
}
