namespace CoopLedger.Domain.Partnerships.ActionPlan;

/// <summary>Where an action stands.</summary>
public enum ActionStatus
{
    /// <summary>Planned, not started.</summary>
    Planned,

    /// <summary>Started.</summary>
    InProgress,

    /// <summary>Done.</summary>
    Completed,

    /// <summary>Moved to a later year.</summary>
    Postponed,

    /// <summary>Given up, with a reason.</summary>
    Abandoned,
}

/// <summary>A challenge as it stands.</summary>
public sealed record Challenge(Guid ChallengeId, string Title, bool Retired);

/// <summary>An action as it stands.</summary>
public sealed record PlanAction(Guid ActionId, Guid ChallengeId, string Title, ActionStatus Status, int? PostponedTo, string? AbandonReason)
{
    /// <summary>An action is live unless abandoned.</summary>
    public bool Live => Status != ActionStatus.Abandoned;
}
