using CoopLedger.Api.Commands;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Conventions;

/// <summary>Sign a convention.</summary>
public sealed record SignConventionBody(DateOnly? SignedOn, DateOnly? ValidFrom, DateOnly? ValidTo = null, string? Title = null) : CommandBody;

/// <summary>Renew a convention.</summary>
public sealed record RenewConventionBody(DateOnly? SignedOn, DateOnly? ValidFrom, DateOnly? ValidTo) : CommandBody;

/// <summary>Amend a convention.</summary>
public sealed record AmendConventionBody(DateOnly? SignedOn, string? Summary, DateOnly? ValidTo = null) : CommandBody;

/// <summary>Conventions: signature, renewals, amendments. Effective by default on the signature date.</summary>
public static class ConventionEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapConventions(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/conventions", (Guid id, SignConventionBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var conventionId = Guid.CreateVersion7();
            var command = new SignConvention(conventionId, errors.Date(body.SignedOn, "signedOn"), errors.Date(body.ValidFrom, "validFrom"),
                errors.OptionalDate(body.ValidTo, "validTo"), errors.Optional(body.Title, "title", 300));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                BusinessDate = body.SignedOn,
                CreatedIds = new Dictionary<string, object?> { ["conventionId"] = conventionId },
            });
        }).WithName("SignConvention").WithSummary("Sign a convention (ConventionSigned)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/conventions/{conventionId:guid}/renewals",
            (Guid id, Guid conventionId, RenewConventionBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new RenewConvention(conventionId, errors.Date(body.SignedOn, "signedOn"),
                    errors.Date(body.ValidFrom, "validFrom"), errors.Date(body.ValidTo, "validTo"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { BusinessDate = body.SignedOn });
            }).WithName("RenewConvention").WithSummary("Renew a convention for a new period (ConventionRenewed)")
                .ForOfficers();

        partnerships.MapPost("/{id:guid}/conventions/{conventionId:guid}/amendments",
            (Guid id, Guid conventionId, AmendConventionBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new AmendConvention(conventionId, errors.Date(body.SignedOn, "signedOn"), errors.Text(body.Summary, "summary"), errors.OptionalDate(body.ValidTo, "validTo"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { BusinessDate = body.SignedOn });
            }).WithName("AmendConvention").WithSummary("Amend a convention (ConventionAmended)")
                .ForOfficers();
        return partnerships;
    }
}
