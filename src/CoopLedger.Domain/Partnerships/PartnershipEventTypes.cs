using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Lifecycle;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Domain.Partnerships;

/// <summary>
/// The stable stored name and schema version of every partnership event. These names are the ledger's contract
/// with its own history: never rename one; change a shape by adding a schema version and an upcaster.
/// </summary>
public static class PartnershipEventTypes
{
    /// <summary>The stream type of a partnership.</summary>
    public const string StreamType = "partnership";

    /// <summary>Every event type, its stored name and its current schema version.</summary>
    public static IReadOnlyList<(Type Type, string Name, int SchemaVersion)> All { get; } =
    [
        (typeof(PartnershipRegistered), "partnership_registered", 1),
        (typeof(ThemeAssigned), "theme_assigned", 1),
        (typeof(ConventionSigned), "convention_signed", 1),
        (typeof(ConventionRenewed), "convention_renewed", 1),
        (typeof(ConventionAmended), "convention_amended", 1),
        (typeof(ActionPlanAdopted), "action_plan_adopted", 1),
        (typeof(ChallengeAdded), "challenge_added", 1),
        (typeof(ChallengeRetired), "challenge_retired", 1),
        (typeof(ActionAdded), "action_added", 1),
        (typeof(ActionStarted), "action_started", 1),
        (typeof(ActionCompleted), "action_completed", 1),
        (typeof(ActionPostponed), "action_postponed", 1),
        (typeof(ActionAbandoned), "action_abandoned", 1),
        (typeof(AnnualProgrammeAdopted), "annual_programme_adopted", 1),
        (typeof(PartnerJoined), "partner_joined", 1),
        (typeof(PartnerLeft), "partner_left", 1),
        (typeof(FundingCommitted), "funding_committed", 1),
        (typeof(FundingRevised), "funding_revised", 1),
        (typeof(FundingWithdrawn), "funding_withdrawn", 1),
        (typeof(PartnershipSuspended), "partnership_suspended", 1),
        (typeof(PartnershipResumed), "partnership_resumed", 1),
        (typeof(PartnershipTerminated), "partnership_terminated", 1),
        (typeof(PartnershipCancelled), "partnership_cancelled", 1),
        (typeof(CorrectionRecorded), "correction_recorded", 1),
    ];
}
