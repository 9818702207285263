using System.Collections.Immutable;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.Projections.History;
using CoopLedger.Projections.Partnerships;

namespace CoopLedger.Projections.ActionPlan;

/// <summary>
/// The actions of each partnership's plan with their challenge and status over effective time: one row per action
/// and stretch of days during which it stood so, as currently known. "As of D" is then one containment query.
/// </summary>
/// <remarks>
/// No GiST index on the time columns: a report reads either one partnership (its key index) or every partnership,
/// where a date matches a large share of the rows and a scan wins; building one would cost a rebuild seconds for nothing.
/// </remarks>
public sealed class ActionsPerChallengeProjection(PostgresEventStore store, StreamCache? histories = null) : PartnershipReadModel(store, histories)
{
    /// <summary>The projection's name, also its tables' schema.</summary>
    public const string ProjectionName = "actions_per_challenge";

    /// <inheritdoc />
    public override string Name => ProjectionName;

    /// <inheritdoc />
    public override int Version => 3;

    /// <inheritdoc />
    public override IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new("plan_actions", "partnership_id",
        [
            new("action_id", "uuid"), new("partnership_id", "uuid"), new("challenge_id", "uuid"), new("challenge_title", "text"),
            new("challenge_order", "integer"), new("status", "text"), .. TimeColumns,
        ], [], []),
    ];

    /// <inheritdoc />
    protected override IReadOnlyList<Type> ConcernedTypes { get; } =
        [typeof(ActionPlanAdopted), typeof(ChallengeAdded), typeof(ChallengeRetired), typeof(ActionAdded),
        typeof(ActionStarted), typeof(ActionCompleted), typeof(ActionPostponed), typeof(ActionAbandoned), typeof(CorrectionRecorded)];

    /// <inheritdoc />
    protected override IKnownRowSource Source(Guid partnershipId) =>
        new EffectiveTimeline<Guid, ActionRow>(Concerns, new Actions().Of, (action, validity) => new KnownRow("plan_actions", action.ActionId, validity.LowerBound,
            [action.ActionId, partnershipId, action.ChallengeId, action.ChallengeTitle, action.ChallengeOrder, action.Status.ToString(), validity]));

    /// <summary>
    /// The actions' rows of a state. A timeline asks on every day something changed: the challenges' order is
    /// worked out again only when the plan's order list is another one.
    /// </summary>
    private sealed class Actions
    {
        private ImmutableList<Guid>? _planOrder;
        private Dictionary<Guid, int> _order = [];

        public IEnumerable<(Guid Key, ActionRow Row)> Of(PartnershipState state)
        {
            if (!ReferenceEquals(state.PlanOrder, _planOrder))
            {
                (_planOrder, _order) = (state.PlanOrder, state.PlanOrder.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index));
            }

            return state.Actions.Values.Select(a => (a.ActionId,
                new ActionRow(a.ActionId, a.ChallengeId, state.Challenges.GetValueOrDefault(a.ChallengeId)?.Title ?? "", _order.GetValueOrDefault(a.ChallengeId), a.Status)));
        }
    }

    /// <summary>An action's row but the partnership and validity.</summary>
    private sealed record ActionRow(Guid ActionId, Guid ChallengeId, string ChallengeTitle, int ChallengeOrder, ActionStatus Status);
}
