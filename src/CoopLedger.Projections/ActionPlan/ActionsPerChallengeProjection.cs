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
    /// The actions' rows of a state. A timeline asks after every append (live) and on every day something changed: an
    /// action, its challenge and the challenge's place all the same objects as last time give the same row, and the
    /// places follow the plan's order as it grows, so that an append costs lookups, not a new row per action.
    /// </summary>
    private sealed class Actions
    {
        private ImmutableList<Guid> _planOrder = [];
        private readonly Dictionary<Guid, int> _order = [];
        private readonly Dictionary<Guid, (PlanAction Action, Challenge? Challenge, int Order, ActionRow Row)> _rows = [];

        public IEnumerable<(Guid Key, ActionRow Row)> Of(PartnershipState state)
        {
            FollowOrder(state.PlanOrder);
            foreach (var action in state.Actions.Values)
            {
                var challenge = state.Challenges.GetValueOrDefault(action.ChallengeId);
                var order = _order.GetValueOrDefault(action.ChallengeId);
                if (!_rows.TryGetValue(action.ActionId, out var kept) || !ReferenceEquals(kept.Action, action) || !ReferenceEquals(kept.Challenge, challenge)
                    || kept.Order != order)
                {
                    kept = (action, challenge, order, new ActionRow(action.ActionId, action.ChallengeId, challenge?.Title ?? "", order, action.Status));
                    _rows[action.ActionId] = kept;
                }

                yield return (action.ActionId, kept.Row);
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
