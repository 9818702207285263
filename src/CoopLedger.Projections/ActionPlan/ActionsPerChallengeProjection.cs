using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.Partnerships;
using NpgsqlTypes;

namespace CoopLedger.Projections.ActionPlan;

/// <summary>
/// The actions of each partnership's plan with their challenge and status over effective time: one row per action
/// and stretch of days during which it stood so, as currently known. "As of D" is then one containment query.
/// </summary>
public sealed class ActionsPerChallengeProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <summary>The projection's name, also its tables' schema.</summary>
    public const string ProjectionName = "actions_per_challenge";

    /// <inheritdoc />
    public override string Name => ProjectionName;

    /// <inheritdoc />
    public override int Version => 2;

    /// <inheritdoc />
    public override IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new("plan_actions", "partnership_id",
        [
            new("action_id", "uuid"), new("partnership_id", "uuid"), new("challenge_id", "uuid"), new("challenge_title", "text"),
            new("challenge_order", "integer"), new("status", "text"), new("validity", "daterange"),
        ], [], [new("validity", "USING gist (validity)")]),
    ];

    /// <inheritdoc />
    protected override bool Concerns(object data) => data is ActionPlanAdopted or ChallengeAdded or ChallengeRetired or ActionAdded
        or ActionStarted or ActionCompleted or ActionPostponed or ActionAbandoned or CorrectionRecorded;

    /// <inheritdoc />
    /// <remarks>
    /// Folds in effective order (version breaking ties; the registration first, whatever its date), as every
    /// as-of view does, and closes an action's stretch on the day its row changes.
    /// </remarks>
    protected override void AddRows(ProjectionRows rows, Guid partnershipId, IReadOnlyList<RecordedEvent> correctedHistory)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(correctedHistory);
        var ordered = correctedHistory.OrderBy(e => e.Version == 1 ? 0 : 1).ThenBy(e => e.EffectiveAt).ThenBy(e => e.Version).ToList();
        var open = new Dictionary<Guid, (ActionRow Row, DateOnly From)>();
        var state = PartnershipState.Initial;
        for (var i = 0; i < ordered.Count; i++)
        {
            state = PartnershipEvolution.Evolve(state, ordered[i].Data);
            var day = Day(ordered[i]);
            if (i + 1 < ordered.Count && Day(ordered[i + 1]) <= day)
            {
                continue; // Only the state at the end of a day is visible "as of" that day.
            }

            var now = Rows(state);
            foreach (var (actionId, (row, from)) in open.ToList())
            {
                if (!now.TryGetValue(actionId, out var current) || current != row)
                {
                    Close(actionId, row, from, day);
                    open.Remove(actionId);
                }
            }

            foreach (var (actionId, row) in now)
            {
                open.TryAdd(actionId, (row, day));
            }
        }

        foreach (var (actionId, (row, from)) in open)
        {
            rows.Add("plan_actions", actionId, partnershipId, row.ChallengeId, row.ChallengeTitle, row.ChallengeOrder, row.Status,
                new NpgsqlRange<DateOnly>(from, true, false, default, false, true));
        }

        void Close(Guid actionId, ActionRow row, DateOnly from, DateOnly until)
        {
            if (until > from)
            {
                rows.Add("plan_actions", actionId, partnershipId, row.ChallengeId, row.ChallengeTitle, row.ChallengeOrder, row.Status,
                    new NpgsqlRange<DateOnly>(from, true, until, false));
            }
        }
    }

    private static DateOnly Day(RecordedEvent recorded) =>
        recorded.Version == 1 ? DateOnly.MinValue : DateOnly.FromDateTime(recorded.EffectiveAt.UtcDateTime);

    private static Dictionary<Guid, ActionRow> Rows(PartnershipState state)
    {
        var order = state.PlanOrder.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index);
        return state.Actions.Values.ToDictionary(a => a.ActionId, a => new ActionRow(a.ChallengeId,
            state.Challenges.GetValueOrDefault(a.ChallengeId)?.Title ?? "", order.GetValueOrDefault(a.ChallengeId), a.Status.ToString()));
    }

    private sealed record ActionRow(Guid ChallengeId, string ChallengeTitle, int ChallengeOrder, string Status);
}
