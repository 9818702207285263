namespace CoopLedger.Domain.Partnerships.ActionPlan;

/// <summary>Adopt an action plan for a period.</summary>
public sealed record AdoptActionPlan(DateOnly From, DateOnly To, IReadOnlyList<PlannedChallenge> Challenges)
{
    /// <summary>Refuses a plan in an ended partnership, a reversed period, or a plan without challenges.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("adopt an action plan");
        if (To < From)
        {
            throw new CommandRefusedException("period-reversed", $"The plan ends on {To:yyyy-MM-dd}, before it starts on {From:yyyy-MM-dd}.");
        }

        if (Challenges.Count == 0)
        {
            throw new CommandRefusedException("plan-empty", "An action plan needs at least one challenge.");
        }

        return Decision.Record(new ActionPlanAdopted(From, To, Challenges));
    }
}

/// <summary>Add a challenge.</summary>
public sealed record AddChallenge(Guid ChallengeId, string Title)
{
    /// <summary>Refuses in an ended partnership.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("add a challenge");
        return Decision.Record(new ChallengeAdded(ChallengeId, Title));
    }
}

/// <summary>Retire a challenge.</summary>
public sealed record RetireChallenge(Guid ChallengeId, string Reason)
{
    /// <summary>Refuses retiring twice.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("retire a challenge");
        if (state.Challenge(ChallengeId).Retired)
        {
            throw new CommandRefusedException("challenge-retired", $"Challenge {ChallengeId} is already retired.");
        }

        return Decision.Record(new ChallengeRetired(ChallengeId, Reason));
    }
}

/// <summary>Add an action under a challenge.</summary>
public sealed record AddAction(Guid ActionId, Guid ChallengeId, string Title)
{
    /// <summary>Refuses an unknown (404) or retired challenge.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("add an action");
        if (state.Challenge(ChallengeId).Retired)
        {
            throw new CommandRefusedException("challenge-retired", $"Challenge {ChallengeId} is retired: no action can be added to it.");
        }

        return Decision.Record(new ActionAdded(ActionId, ChallengeId, Title));
    }
}

/// <summary>Start an action.</summary>
public sealed record StartAction(Guid ActionId)
{
    /// <summary>Only a planned or postponed action can start.</summary>
    public Decision Decide(PartnershipState state) =>
        Decision.Record(new ActionStarted(state.ActionIn(ActionId, "start", ActionStatus.Planned, ActionStatus.Postponed).ActionId));
}

/// <summary>Complete an action.</summary>
public sealed record CompleteAction(Guid ActionId)
{
    /// <summary>A completed or abandoned action cannot be completed.</summary>
    public Decision Decide(PartnershipState state) =>
        Decision.Record(new ActionCompleted(
            state.ActionIn(ActionId, "complete", ActionStatus.Planned, ActionStatus.InProgress, ActionStatus.Postponed).ActionId));
}

/// <summary>Postpone an action to a year.</summary>
public sealed record PostponeAction(Guid ActionId, int ToYear)
{
    /// <summary>An abandoned or completed action cannot be postponed; the year must be within range.</summary>
    public Decision Decide(PartnershipState state)
    {
        var action = state.ActionIn(ActionId, "postpone", ActionStatus.Planned, ActionStatus.InProgress, ActionStatus.Postponed);
        return Decision.Record(new ActionPostponed(action.ActionId, Years.Require(ToYear, "Postponement year")));
    }
}

/// <summary>Abandon an action, for a reason.</summary>
public sealed record AbandonAction(Guid ActionId, string Reason)
{
    /// <summary>A completed or abandoned action cannot be abandoned.</summary>
    public Decision Decide(PartnershipState state) =>
        Decision.Record(new ActionAbandoned(
            state.ActionIn(ActionId, "abandon", ActionStatus.Planned, ActionStatus.InProgress, ActionStatus.Postponed).ActionId, Reason));
}

/// <summary>Adopt the programme of one year.</summary>
public sealed record AdoptAnnualProgramme(int Year, IReadOnlyList<Guid> ActionIds)
{
    /// <summary>Refuses unknown (404) or abandoned actions and a year out of range.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("adopt an annual programme");
        Years.Require(Year, "Programme year");
        foreach (var actionId in ActionIds)
        {
            if (!state.Action(actionId).Live)
            {
                throw new CommandRefusedException("action-abandoned", $"Action {actionId} is abandoned and cannot be programmed.");
            }
        }

        return Decision.Record(new AnnualProgrammeAdopted(Year, ActionIds));
    }
}
