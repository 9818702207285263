using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Lifecycle;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Domain.Partnerships;

/// <summary>
/// How each event changes a partnership. Total and forgiving: it never throws and never validates, so that any
/// recorded history replays (an event naming an unknown entity leaves the state as it was).
/// </summary>
public static class PartnershipEvolution
{
    /// <summary>Applies one event.</summary>
    /// <remarks>
    /// No arm holds a lambda that captures its event: the compiler gives every captured pattern variable one shared
    /// closure, allocated at each call whichever arm is taken (once per event folded, in every fold). Those arms call a
    /// method of their own instead, where the closure is made only when it is needed.
    /// </remarks>
    public static PartnershipState Evolve(PartnershipState state, object @event) => @event switch
    {
        PartnershipRegistered e => state with { Exists = true, Registration = e, PrimaryTheme = e.PrimaryTheme },
        ThemeAssigned e => AssignTheme(state, e),
        ConventionSigned e => state with
        {
            Conventions = state.Conventions.SetItem(e.ConventionId,
                new Convention(e.ConventionId, e.Title, e.SignedOn, [new ValidityPeriod(e.ValidFrom, e.ValidTo)], [])),
        },
        ConventionRenewed e => Renew(state, e),
        ConventionAmended e => Amend(state, e),
        ActionPlanAdopted e => e.Challenges.Aggregate(state, (s, challenge) => challenge.Actions.Aggregate(
            AddChallenge(s, challenge.ChallengeId, challenge.Title),
            (inner, action) => AddAction(inner, action.ActionId, challenge.ChallengeId, action.Title))),
        ChallengeAdded e => AddChallenge(state, e.ChallengeId, e.Title),
        ChallengeRetired e => state.Challenges.TryGetValue(e.ChallengeId, out var c)
            ? state with { Challenges = state.Challenges.SetItem(c.ChallengeId, c with { Retired = true }) }
            : state,
        ActionAdded e => AddAction(state, e.ActionId, e.ChallengeId, e.Title),
        ActionStarted e => WithAction(state, e.ActionId, a => a with { Status = ActionStatus.InProgress }),
        ActionCompleted e => WithAction(state, e.ActionId, a => a with { Status = ActionStatus.Completed }),
        ActionPostponed e => Postpone(state, e),
        ActionAbandoned e => Abandon(state, e),
        AnnualProgrammeAdopted e => state with { AnnualProgrammes = state.AnnualProgrammes.SetItem(e.Year, [.. e.ActionIds]) },
        PartnerJoined e => state with { Partners = state.Partners.SetItem(e.PartnerId, new Partner(e.PartnerId, e.Name, e.Kind, e.Country, e.Siren, false)) },
        PartnerLeft e => state.Partners.TryGetValue(e.PartnerId, out var p)
            ? state with { Partners = state.Partners.SetItem(p.PartnerId, p with { Left = true }) }
            : state,
        FundingCommitted e => state with
        {
            Funding = state.Funding.SetItem(e.FundingId,
                new FundingLine(e.FundingId, e.Funder, e.Amount, e.Year, e.Mechanism, e.OnePercentWaterAmount, e.InKind, false)),
        },
        FundingRevised e => Revise(state, e),
        FundingWithdrawn e => WithFunding(state, e.FundingId, f => f with { Withdrawn = true }),
        PartnershipSuspended => state with { Suspended = true },
        PartnershipResumed => state with { Suspended = false },
        PartnershipTerminated e => state with { TerminatedOn = e.EndDate },
        PartnershipCancelled => state with { Cancelled = true },
        _ => state,
    };

    private static PartnershipState AssignTheme(PartnershipState state, ThemeAssigned e)
    {
        var others = state.OtherThemes.RemoveAll(t => t.Theme.Equals(e.Theme));
        return e.Priority == 0
            ? state with { PrimaryTheme = e.Theme, OtherThemes = others }
            : state with
            {
                OtherThemes = [.. others.Add(e).OrderBy(t => t.Priority)],
                PrimaryTheme = e.Theme.Equals(state.PrimaryTheme) ? null : state.PrimaryTheme,
            };
    }

    private static PartnershipState Renew(PartnershipState state, ConventionRenewed e) =>
        WithConvention(state, e.ConventionId, c => c with { Periods = c.Periods.Add(new ValidityPeriod(e.ValidFrom, e.ValidTo)) });

    private static PartnershipState Amend(PartnershipState state, ConventionAmended e) => WithConvention(state, e.ConventionId, c => c with
    {
        Amendments = c.Amendments.Add(e),
        // The amendment moves the end of the period it was signed in, whatever order the history was entered in.
        Periods = e.ValidTo is { } end ? c.Periods.SetItem(c.PeriodIndexOn(e.SignedOn), c.Periods[c.PeriodIndexOn(e.SignedOn)] with { To = end }) : c.Periods,
    });

    private static PartnershipState Postpone(PartnershipState state, ActionPostponed e) =>
        WithAction(state, e.ActionId, a => a with { Status = ActionStatus.Postponed, PostponedTo = e.ToYear });

    private static PartnershipState Abandon(PartnershipState state, ActionAbandoned e) =>
        WithAction(state, e.ActionId, a => a with { Status = ActionStatus.Abandoned, AbandonReason = e.Reason });

    private static PartnershipState Revise(PartnershipState state, FundingRevised e) =>
        WithFunding(state, e.FundingId, f => f with { Amount = e.Amount, OnePercentWaterAmount = e.OnePercentWaterAmount });

    /// <summary>Folds a history.</summary>
    public static PartnershipState Fold(IEnumerable<object> events) => events.Aggregate(PartnershipState.Initial, Evolve);

    private static PartnershipState AddChallenge(PartnershipState state, Guid id, string title) => state with
    {
        Challenges = state.Challenges.SetItem(id, new Challenge(id, title, false)),
        PlanOrder = InPlan(state, id) ? state.PlanOrder : state.PlanOrder.Add(id),
    };

    private static PartnershipState AddAction(PartnershipState state, Guid id, Guid challengeId, string title) => state with
    {
        Actions = state.Actions.SetItem(id, new PlanAction(id, challengeId, title, ActionStatus.Planned, null, null)),
        PlanOrder = InPlan(state, id) ? state.PlanOrder : state.PlanOrder.Add(id),
    };

    /// <summary>
    /// Whether the plan's order holds the id already: it holds every challenge and action from their first addition, and
    /// nothing else, so two keyed lookups answer what a search of the whole order did (a search that grew with the plan,
    /// on every fold of every addition).
    /// </summary>
    private static bool InPlan(PartnershipState state, Guid id) => state.Challenges.ContainsKey(id) || state.Actions.ContainsKey(id);

    private static PartnershipState WithConvention(PartnershipState state, Guid id, Func<Convention, Convention> change) =>
        state.Conventions.TryGetValue(id, out var c) ? state with { Conventions = state.Conventions.SetItem(id, change(c)) } : state;

    private static PartnershipState WithAction(PartnershipState state, Guid id, Func<PlanAction, PlanAction> change) =>
        state.Actions.TryGetValue(id, out var a) ? state with { Actions = state.Actions.SetItem(id, change(a)) } : state;

    private static PartnershipState WithFunding(PartnershipState state, Guid id, Func<FundingLine, FundingLine> change) =>
        state.Funding.TryGetValue(id, out var f) ? state with { Funding = state.Funding.SetItem(id, change(f)) } : state;
}
