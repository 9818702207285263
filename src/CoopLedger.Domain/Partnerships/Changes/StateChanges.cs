using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;

namespace CoopLedger.Domain.Partnerships.Changes;

/// <summary>An action whose presence or status changed.</summary>
public sealed record ActionChange(Guid ActionId, Guid ChallengeId, string Title, ActionStatus? Before, ActionStatus After, int? PostponedTo);

/// <summary>A challenge added or retired.</summary>
public sealed record ChallengeChange(Guid ChallengeId, string Title);

/// <summary>A funding line committed, revised or withdrawn: its amounts before (null when new) and after.</summary>
public sealed record FundingChange(Guid FundingId, Funder Funder, int Year, FundingMechanism Mechanism, decimal? AmountBefore, decimal AmountAfter,
    decimal? OnePercentWaterBefore, decimal? OnePercentWaterAfter);

/// <summary>A convention signed, renewed or amended: its validity periods and amendments after.</summary>
public sealed record ConventionChange(Guid ConventionId, string? Title, DateOnly SignedOn, IReadOnlyList<ValidityPeriod> Periods, int Amendments);

/// <summary>What changed in a partnership's plan, funding and conventions from one state to another.</summary>
public sealed record StateChanges(
    IReadOnlyList<ActionChange> ActionsAdded,
    IReadOnlyList<ActionChange> ActionsStarted,
    IReadOnlyList<ActionChange> ActionsCompleted,
    IReadOnlyList<ActionChange> ActionsPostponed,
    IReadOnlyList<ActionChange> ActionsAbandoned,
    IReadOnlyList<ChallengeChange> ChallengesAdded,
    IReadOnlyList<ChallengeChange> ChallengesRetired,
    IReadOnlyList<FundingChange> FundingCommitted,
    IReadOnlyList<FundingChange> FundingRevised,
    IReadOnlyList<FundingChange> FundingWithdrawn,
    IReadOnlyList<ConventionChange> ConventionsSigned,
    IReadOnlyList<ConventionChange> ConventionsRenewed,
    IReadOnlyList<ConventionChange> ConventionsAmended)
{
    /// <summary>
    /// Compares two states of one partnership (typically as of two dates): an action counts as added when it is in
    /// <paramref name="after"/> only, and under its new status whenever its status differs (an action added and
    /// already completed is in both lists); funding counts as revised when its amounts differ.
    /// </summary>
    public static StateChanges Between(PartnershipState before, PartnershipState after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var actions = after.Actions.Values
            .Select(a => new ActionChange(a.ActionId, a.ChallengeId, a.Title, before.Actions.GetValueOrDefault(a.ActionId)?.Status, a.Status, a.PostponedTo))
            .OrderBy(a => a.Title, StringComparer.Ordinal).ToList();
        List<ActionChange> MovedTo(ActionStatus status) => [.. actions.Where(a => a.After == status && a.Before != status)];

        var challenges = after.Challenges.Values.OrderBy(c => c.Title, StringComparer.Ordinal).ToList();
        var funding = after.Funding.Values.OrderBy(f => f.Year).ThenBy(f => f.Funder.Name, StringComparer.Ordinal)
            .Select(f => (Line: f, Before: before.Funding.GetValueOrDefault(f.FundingId))).ToList();
        static FundingChange Change(FundingLine line, FundingLine? was) => new(line.FundingId, line.Funder, line.Year, line.Mechanism,
            was?.Amount, line.Amount, was?.OnePercentWaterAmount, line.OnePercentWaterAmount);

        var conventions = after.Conventions.Values.OrderBy(c => c.SignedOn)
            .Select(c => (Convention: c, Before: before.Conventions.GetValueOrDefault(c.ConventionId))).ToList();
        static ConventionChange Describe(Convention c) => new(c.ConventionId, c.Title, c.SignedOn, c.Periods, c.Amendments.Count);

        return new StateChanges(
            [.. actions.Where(a => a.Before is null)],
            MovedTo(ActionStatus.InProgress),
            MovedTo(ActionStatus.Completed),
            MovedTo(ActionStatus.Postponed),
            MovedTo(ActionStatus.Abandoned),
            [.. challenges.Where(c => !before.Challenges.ContainsKey(c.ChallengeId)).Select(c => new ChallengeChange(c.ChallengeId, c.Title))],
            [.. challenges.Where(c => c.Retired && before.Challenges.GetValueOrDefault(c.ChallengeId) is not { Retired: true })
                .Select(c => new ChallengeChange(c.ChallengeId, c.Title))],
            [.. funding.Where(f => f.Before is null).Select(f => Change(f.Line, null))],
            [.. funding.Where(f => f.Before is not null && (f.Before.Amount != f.Line.Amount || f.Before.OnePercentWaterAmount != f.Line.OnePercentWaterAmount))
                .Select(f => Change(f.Line, f.Before))],
            [.. funding.Where(f => f.Line.Withdrawn && f.Before is not { Withdrawn: true }).Select(f => Change(f.Line, f.Before))],
            [.. conventions.Where(c => c.Before is null).Select(c => Describe(c.Convention))],
            [.. conventions.Where(c => c.Before is not null && c.Convention.Periods.Count > c.Before.Periods.Count).Select(c => Describe(c.Convention))],
            [.. conventions.Where(c => c.Convention.Amendments.Count > (c.Before?.Amendments.Count ?? 0)).Select(c => Describe(c.Convention))]);
    }
}
