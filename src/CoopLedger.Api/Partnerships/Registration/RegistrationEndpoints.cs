using CoopLedger.Api.Commands;
using CoopLedger.Api.Documentation;
using CoopLedger.Domain.Partnerships.Registration;

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

/// <summary><c>POST /api/partnerships</c>.</summary>
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
        .WithDescription("Records PartnershipRegistered; answers 201 with the new id and a Location.");
        return partnerships;
    }
}
