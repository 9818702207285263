using CoopLedger.Api.Commands;
using CoopLedger.Domain.Partnerships.Conventions;

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
            var command = new SignConvention(conventionId, errors.Required(body.SignedOn, "signedOn"), errors.Required(body.ValidFrom, "validFrom"),
                body.ValidTo, errors.Optional(body.Title, "title", 300));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                BusinessDate = body.SignedOn,
                CreatedIds = new Dictionary<string, object?> { ["conventionId"] = conventionId },
            });
        }).WithName("SignConvention").WithSummary("Sign a convention (ConventionSigned)");

        partnerships.MapPost("/{id:guid}/conventions/{conventionId:guid}/renewals",
            (Guid id, Guid conventionId, RenewConventionBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new RenewConvention(conventionId, errors.Required(body.SignedOn, "signedOn"),
                    errors.Required(body.ValidFrom, "validFrom"), errors.Required(body.ValidTo, "validTo"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { BusinessDate = body.SignedOn });
            }).WithName("RenewConvention").WithSummary("Renew a convention for a new period (ConventionRenewed)");

        partnerships.MapPost("/{id:guid}/conventions/{conventionId:guid}/amendments",
            (Guid id, Guid conventionId, AmendConventionBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new AmendConvention(conventionId, errors.Required(body.SignedOn, "signedOn"), errors.Text(body.Summary, "summary"), body.ValidTo);
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { BusinessDate = body.SignedOn });
            }).WithName("AmendConvention").WithSummary("Amend a convention (ConventionAmended)");
        return partnerships;
    }
}
