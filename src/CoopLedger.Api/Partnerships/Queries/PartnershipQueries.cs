using CoopLedger.Api.Commands;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary><c>GET /api/partnerships/{id}</c> and <c>/plan</c>, folded from the stream at <c>asOf</c> and <c>knownAt</c>.</summary>
public static class PartnershipQueries
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapPartnershipQueries(this RouteGroupBuilder partnerships)
    {
        partnerships.MapGet("/{id:guid}", async (Guid id, DateOnly? asOf, DateTimeOffset? knownAt, PartnershipHistory history, KeptViews<PartnershipView> views, HttpContext http) =>
            await history.LoadAsync(id, asOf, knownAt, http.RequestAborted) is { } loaded
                ? Versioned(http, loaded, views.Answer(id, loaded, fold => Describe(id, fold)))
                : throw new EntityNotFoundException("partnership", id))
            .Produces<PartnershipView>()
            .WithName("GetPartnership").WithSummary("A partnership, its status evaluated at asOf, as known at knownAt")
            .ForPartnershipReaders();

        partnerships.MapGet("/{id:guid}/plan", async (Guid id, DateOnly? asOf, DateTimeOffset? knownAt, PartnershipHistory history, KeptViews<PlanView> views, HttpContext http) =>
            await history.LoadAsync(id, asOf, knownAt, http.RequestAborted) is { } loaded
                ? Versioned(http, loaded, views.Answer(id, loaded, Plan))
                : throw new EntityNotFoundException("partnership", id))
            .Produces<PlanView>()
            .WithName("GetPlan").WithSummary("The action plan as it stood at asOf, as known at knownAt")
            .ForPartnershipReaders();
        return partnerships;
    }

    /// <summary>
    /// The answer with <c>ETag: "&lt;version&gt;"</c>, the stream version it was read at (as known at <c>knownAt</c>), which a
    /// client sends back as <c>If-Match</c>: read, decide, write, refused with 412 if anyone wrote meanwhile.
    /// </summary>
    private static IResult Versioned(HttpContext http, PartnershipAsOf loaded, IResult view)
    {
        http.Response.Headers.ETag = $"\"{loaded.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
        return view;
    }

    private static PartnershipView Describe(Guid id, PartnershipAsOf loaded)
    {
        var (state, registration) = (loaded.State, loaded.State.Registration!);
        return new PartnershipView(
            id, loaded.Version, loaded.AsOf, loaded.KnownAt, registration.Title, registration.Form, state.StatusOn(loaded.AsOf),
            registration.FrenchAuthorities, registration.ForeignPartners,
            state.Partners.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PartnerView(p.PartnerId, p.Name, p.Kind, p.Country, p.Siren, p.Left)),
            state.PrimaryTheme?.Labels,
            state.OtherThemes.Select(t => new ThemeView(t.Theme.Labels, t.Priority)),
            state.Conventions.Values.OrderBy(c => c.SignedOn).Select(c => new ConventionView(
                c.ConventionId, c.Title, c.SignedOn, c.Periods[0].From, c.Periods[0].To,
                c.Periods.Skip(1).Select(p => new PeriodView(p.From, p.To)),
                c.Amendments.Select(a => new AmendmentView(a.SignedOn, a.Summary, a.ValidTo)))),
            state.Funding.Values.OrderBy(f => f.Year).ThenBy(f => f.Funder.Name, StringComparer.Ordinal).Select(f => new FundingView(
                f.FundingId, f.Funder, Euros.Format(f.Amount), f.Year, f.Mechanism, f.OnePercentWaterAmount is { } water ? Euros.Format(water) : null, f.InKind, f.Withdrawn)));
    }

    private static PlanView Plan(PartnershipAsOf loaded)
    {
        var state = loaded.State;
        var actions = state.PlanOrder.Where(state.Actions.ContainsKey).Select(id => state.Actions[id]).ToList();
        return new PlanView(
            loaded.AsOf, loaded.KnownAt,
            state.PlanOrder.Where(state.Challenges.ContainsKey).Select(id => state.Challenges[id]).Select(c => new ChallengeView(
                c.ChallengeId, c.Title, c.Retired,
                actions.Where(a => a.ChallengeId == c.ChallengeId).Select(a => new ActionView(a.ActionId, a.Title, a.Status, a.PostponedTo, a.AbandonReason)))),
            state.AnnualProgrammes.Select(p => new AnnualProgrammeView(p.Key, p.Value)));
    }


}
