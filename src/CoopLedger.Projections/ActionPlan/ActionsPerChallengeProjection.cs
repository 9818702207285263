using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.Projections.Partnerships;
using Npgsql;

namespace CoopLedger.Projections.ActionPlan;

/// <summary>The actions of each partnership's plan with their challenge and status, as they currently stand.</summary>
public sealed class ActionsPerChallengeProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <inheritdoc />
    public override string Name => "actions_per_challenge";

    /// <inheritdoc />
    protected override bool Concerns(object data) => data is ActionPlanAdopted or ChallengeAdded or ChallengeRetired or ActionAdded
        or ActionStarted or ActionCompleted or ActionPostponed or ActionAbandoned or CorrectionRecorded;

    /// <inheritdoc />
    protected override async Task WriteAsync(NpgsqlConnection connection, Guid partnershipId, PartnershipState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new("DELETE FROM projections.plan_actions WHERE partnership_id = $1") { Parameters = { new() { Value = partnershipId } } });
        var order = state.PlanOrder.Select((id, index) => (id, index)).ToDictionary(x => x.id, x => x.index);
        foreach (var action in state.Actions.Values)
        {
            var challenge = state.Challenges.GetValueOrDefault(action.ChallengeId);
            batch.BatchCommands.Add(new("INSERT INTO projections.plan_actions VALUES ($1, $2, $3, $4, $5, $6)")
            {
                Parameters =
                {
                    new() { Value = action.ActionId }, new() { Value = partnershipId }, new() { Value = action.ChallengeId },
                    new() { Value = challenge?.Title ?? "" }, new() { Value = order.GetValueOrDefault(action.ChallengeId) },
                    new() { Value = action.Status.ToString() },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
