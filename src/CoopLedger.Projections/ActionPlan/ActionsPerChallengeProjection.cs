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
    /// The actions' rows of a state. A timeline asks after every append (live) and on every day something changed: the
    /// rows are values, built afresh at no cost to the heap, and the challenges' places follow the plan's order as it
    /// grows instead of being worked out again.
    /// </summary>
    private sealed class Actions
    {
        private ImmutableList<Guid> _planOrder = [];
        private readonly Dictionary<Guid, int> _order = [];

        public void Of(PartnershipState state, List<(Guid Key, ActionRow Row)> rows)
        {
            FollowOrder(state.PlanOrder);
            foreach (var (_, action) in state.Actions)
            {
                rows.Add((action.ActionId, new ActionRow(action.ActionId, action.ChallengeId,
                    state.Challenges.GetValueOrDefault(action.ChallengeId)?.Title ?? "", _order.GetValueOrDefault(action.ChallengeId), action.Status)));
            }
        }

        /// <summary>The places of the plan's entries: only the new ones when the order grew by adding (as it does but after a reset).</summary>
        private void FollowOrder(ImmutableList<Guid> planOrder)
        {
            if (ReferenceEquals(planOrder, _planOrder))
            {
                return;
            }

            var from = planOrder.Count >= _planOrder.Count && StartsWith(planOrder, _planOrder) ? _planOrder.Count : 0;
            if (from == 0)
            {
                _order.Clear();
            }

            for (var index = from; index < planOrder.Count; index++)
            {
                _order[planOrder[index]] = index;
            }

            _planOrder = planOrder;
        }

        private static bool StartsWith(ImmutableList<Guid> list, ImmutableList<Guid> prefix)
        {
            using var entries = list.GetEnumerator();
            foreach (var id in prefix)
            {
                if (!entries.MoveNext() || entries.Current != id)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>An action's row but the partnership and validity (a value: the timeline keeps one per open stretch).</summary>
    private readonly record struct ActionRow(Guid ActionId, Guid ChallengeId, string ChallengeTitle, int ChallengeOrder, ActionStatus Status);
}
