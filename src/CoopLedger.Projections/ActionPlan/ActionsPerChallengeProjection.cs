using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.Partnerships;

namespace CoopLedger.Projections.ActionPlan;

/// <summary>The actions of each partnership's plan with their challenge and status, as they currently stand.</summary>
public sealed class ActionsPerChallengeProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <summary>The projection's name, also its tables' schema.</summary>
    public const string ProjectionName = "actions_per_challenge";

    /// <inheritdoc />
    public override string Name => ProjectionName;

    /// <inheritdoc />
    public override int Version => 1;

    /// <inheritdoc />
    public override IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new("plan_actions", "partnership_id",
        [
            new("action_id", "uuid"), new("partnership_id", "uuid"), new("challenge_id", "uuid"), new("challenge_title", "text"),
            new("challenge_order", "integer"), new("status", "text"),
        ], ["action_id"], []),
    ];

    /// <inheritdoc />
    protected override bool Concerns(object data) => data is ActionPlanAdopted or ChallengeAdded or ChallengeRetired or ActionAdded
        or ActionStarted or ActionCompleted or ActionPostponed or ActionAbandoned or CorrectionRecorded;

    /// <inheritdoc />
    protected override void AddRows(ProjectionRows rows, Guid partnershipId, PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(state);
        var order = state.PlanOrder.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index);
        foreach (var action in state.Actions.Values)
        {
            var challenge = state.Challenges.GetValueOrDefault(action.ChallengeId);
            rows.Add("plan_actions", action.ActionId, partnershipId, action.ChallengeId, challenge?.Title ?? "",
                order.GetValueOrDefault(action.ChallengeId), action.Status.ToString());
        }
    }
}
