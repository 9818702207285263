using System.Globalization;
using CoopLedger.Domain.Partnerships;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary><c>GET /api/partnerships/{id}</c> and <c>/plan</c>, folded from the stream at <c>asOf</c> and <c>knownAt</c>.</summary>
public static class PartnershipQueries
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapPartnershipQueries(this RouteGroupBuilder partnerships)
    {
        partnerships.MapGet("/{id:guid}", async (Guid id, DateOnly? asOf, DateTimeOffset? knownAt, PartnershipHistory history, HttpContext http) =>
            await history.LoadAsync(id, asOf, knownAt, http.RequestAborted) is { } loaded
                ? Results.Ok(Describe(id, loaded))
                : throw new EntityNotFoundException("partnership", id))
            .WithName("GetPartnership").WithSummary("A partnership, its status evaluated at asOf, as known at knownAt");

        partnerships.MapGet("/{id:guid}/plan", async (Guid id, DateOnly? asOf, DateTimeOffset? knownAt, PartnershipHistory history, HttpContext http) =>
            await history.LoadAsync(id, asOf, knownAt, http.RequestAborted) is { } loaded
                ? Results.Ok(Plan(loaded))
                : throw new EntityNotFoundException("partnership", id))
            .WithName("GetPlan").WithSummary("The action plan as it stood at asOf, as known at knownAt");
        return partnerships;
    }

    private static object Describe(Guid id, PartnershipAsOf loaded)
    {
        var (state, registration) = (loaded.State, loaded.State.Registration!);
        return new
        {
            id,
            version = loaded.Version,
            asOf = loaded.AsOf,
            knownAt = loaded.KnownAt,
            title = registration.Title,
            form = registration.Form,
            status = state.StatusOn(loaded.AsOf),
            frenchAuthorities = registration.FrenchAuthorities,
            foreignPartners = registration.ForeignPartners,
            partners = state.Partners.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new { partnerId = p.PartnerId, p.Name, p.Kind, p.Country, p.Siren, p.Left }),
            primaryTheme = registration.PrimaryTheme?.Labels,
            conventions = state.Conventions.Values.OrderBy(c => c.SignedOn).Select(c => new
            {
                conventionId = c.ConventionId,
                c.Title,
                c.SignedOn,
                validFrom = c.Periods[0].From,
                validTo = c.Periods[0].To,
                renewals = c.Periods.Skip(1).Select(p => new { validFrom = p.From, validTo = p.To }),
                amendments = c.Amendments.Select(a => new { a.SignedOn, a.Summary, a.ValidTo }),
            }),
            funding = state.Funding.Values.OrderBy(f => f.Year).ThenBy(f => f.Funder.Name, StringComparer.Ordinal).Select(f => new
            {
                fundingId = f.FundingId,
                funder = new { f.Funder.Name, f.Funder.Kind },
                amount = Money(f.Amount),
                f.Year,
                f.Mechanism,
                onePercentWaterAmount = f.OnePercentWaterAmount is { } water ? Money(water) : null,
                f.InKind,
                f.Withdrawn,
            }),
        };
    }

    private static object Plan(PartnershipAsOf loaded)
    {
        var state = loaded.State;
        return new
        {
            asOf = loaded.AsOf,
            knownAt = loaded.KnownAt,
            challenges = state.PlanOrder.Where(state.Challenges.ContainsKey).Select(id => state.Challenges[id]).Select(c => new
            {
                challengeId = c.ChallengeId,
                c.Title,
                c.Retired,
                actions = state.PlanOrder.Where(state.Actions.ContainsKey).Select(id => state.Actions[id]).Where(a => a.ChallengeId == c.ChallengeId)
                    .Select(a => new { actionId = a.ActionId, a.Title, a.Status, a.PostponedTo, a.AbandonReason }),
            }),
            annualProgrammes = state.AnnualProgrammes.Select(p => new { year = p.Key, actionIds = p.Value }),
        };
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

}
