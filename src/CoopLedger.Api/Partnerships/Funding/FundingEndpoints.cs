using CoopLedger.Api.Commands;
using CoopLedger.Api.Documentation;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Funding;

/// <summary>A funder.</summary>
public sealed record FunderBody(string? Name, [property: OneOf(typeof(FunderKind))] string? Kind);

/// <summary>Commit funding; amounts are strings in euros with two decimals.</summary>
public sealed record CommitFundingBody(
    FunderBody? Funder, string? Amount, int? Year, [property: OneOf(typeof(FundingMechanism))] string? Mechanism, string? OnePercentWaterAmount = null, bool? InKind = null) : CommandBody;

/// <summary>Revise a funding line.</summary>
public sealed record ReviseFundingBody(string? Amount, string? OnePercentWaterAmount = null) : CommandBody;

/// <summary>Funding: commitments, revisions, withdrawals.</summary>
public static class FundingEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapFunding(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/funding", (Guid id, CommitFundingBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var funder = body.Funder is null
                ? Missing(errors, "funder")
                : new Funder(errors.Text(body.Funder.Name, "funder.name", 300), errors.Enum<FunderKind>(body.Funder.Kind, "funder.kind"));
            var fundingId = Guid.CreateVersion7();
            var amount = errors.Money(body.Amount, "amount");
            var year = errors.Year(body.Year, "year");
            var mechanism = errors.Enum<FundingMechanism>(body.Mechanism, "mechanism");
            var water = errors.OptionalMoney(body.OnePercentWaterAmount, "onePercentWaterAmount");
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors,
                (state, day) => new CommitFunding(fundingId, funder, amount, year, mechanism, water, body.InKind ?? false, day).Decide(state))
            {
                CreatedIds = new Dictionary<string, object?> { ["fundingId"] = fundingId },
            });
        }).WithName("CommitFunding").WithSummary("Commit funding (FundingCommitted); warns when no convention is in force")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/funding/{fundingId:guid}/revisions",
            (Guid id, Guid fundingId, ReviseFundingBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new ReviseFunding(fundingId, errors.Money(body.Amount, "amount"),
                    errors.OptionalMoney(body.OnePercentWaterAmount, "onePercentWaterAmount"), errors.Text(body.Reason, "reason"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
            }).WithName("ReviseFunding").WithSummary("Revise a funding line (FundingRevised)")
                .ForOfficers();

        partnerships.MapPost("/{id:guid}/funding/{fundingId:guid}/withdrawal",
            (Guid id, Guid fundingId, ActionPlan.NoFieldsBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new WithdrawFunding(fundingId, errors.Text(body.Reason, "reason"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
            }).WithName("WithdrawFunding").WithSummary("Withdraw a funding line (FundingWithdrawn)")
                .ForOfficers();
        return partnerships;
    }

    private static Funder Missing(RequestErrors errors, string field)
    {
        errors.Add(field, "This field is required.");
        return new Funder("", FunderKind.Other);
    }
}
