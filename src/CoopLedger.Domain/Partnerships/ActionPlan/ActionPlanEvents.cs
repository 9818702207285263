namespace CoopLedger.Domain.Partnerships.ActionPlan;

/// <summary>An action of an adopted plan.</summary>
public sealed record PlannedAction(Guid ActionId, string Title);

/// <summary>A challenge of an adopted plan with its actions.</summary>
public sealed record PlannedChallenge(Guid ChallengeId, string Title, IReadOnlyList<PlannedAction> Actions);

/// <summary>An action plan (usually triennial) was adopted for a period, with its challenges and actions.</summary>
public sealed record ActionPlanAdopted(DateOnly From, DateOnly To, IReadOnlyList<PlannedChallenge> Challenges);

/// <summary>A challenge (défi) was added to the plan.</summary>
public sealed record ChallengeAdded(Guid ChallengeId, string Title);

/// <summary>A challenge was retired from the plan; no action can be added to it any more.</summary>
public sealed record ChallengeRetired(Guid ChallengeId, string Reason);

/// <summary>An action was added under a challenge.</summary>
public sealed record ActionAdded(Guid ActionId, Guid ChallengeId, string Title);

/// <summary>An action started.</summary>
public sealed record ActionStarted(Guid ActionId);

/// <summary>An action was completed.</summary>
public sealed record ActionCompleted(Guid ActionId);

/// <summary>An action was postponed to a year.</summary>
public sealed record ActionPostponed(Guid ActionId, int ToYear);

/// <summary>An action was abandoned, for a reason.</summary>
public sealed record ActionAbandoned(Guid ActionId, string Reason);

/// <summary>The actions retained for one year (programme annuel).</summary>
public sealed record AnnualProgrammeAdopted(int Year, IReadOnlyList<Guid> ActionIds);
