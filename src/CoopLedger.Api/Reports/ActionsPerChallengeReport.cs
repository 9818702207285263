using CoopLedger.Projections.ActionPlan;
using CoopLedger.Api.Projections;
using CoopLedger.Domain.Partnerships;
using Npgsql;

namespace CoopLedger.Api.Reports;

/// <summary>The actions of one challenge, counted by status; <c>live</c> counts all but the abandoned.</summary>
public sealed record ActionsPerChallengeRow(
    Guid PartnershipId, Guid ChallengeId, string Title, int Planned, int InProgress, int Completed, int Postponed, int Abandoned, int Live);

/// <summary>The rows of the report.</summary>
public sealed record ActionsPerChallengeView(IReadOnlyList<ActionsPerChallengeRow> Rows);

/// <summary><c>GET /api/reports/actions-per-challenge</c>, per partnership or overall, from the actions read model.</summary>
public static class ActionsPerChallengeReport
{
    /// <summary>Maps the route.</summary>
    public static WebApplication MapActionsPerChallenge(this WebApplication app)
    {
        app.MapGet("/api/reports/actions-per-challenge", async (Guid? partnershipId, DateOnly? asOf, NpgsqlDataSource dataSource, TimeProvider clock, HttpContext http) =>
        {
            var day = asOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (day.Year is < Years.First or > Years.Last)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["asOf"] = [$"A date from {Years.First} to {Years.Last}."] });
            }

            await using var command = dataSource.CreateCommand("""
                SELECT partnership_id, challenge_id, challenge_title,
                       count(*) FILTER (WHERE status = 'Planned'), count(*) FILTER (WHERE status = 'InProgress'),
                       count(*) FILTER (WHERE status = 'Completed'), count(*) FILTER (WHERE status = 'Postponed'),
                       count(*) FILTER (WHERE status = 'Abandoned'), count(*) FILTER (WHERE status <> 'Abandoned')
                FROM actions_per_challenge.plan_actions
                WHERE validity @> $2 AND ($1::uuid IS NULL OR partnership_id = $1)
                GROUP BY partnership_id, challenge_id, challenge_title, challenge_order
                ORDER BY partnership_id, challenge_order
                """);
            command.Parameters.Add(new() { Value = (object?)partnershipId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            command.Parameters.Add(new() { Value = day });
            var rows = new List<ActionsPerChallengeRow>();
            await using (var reader = await command.ExecuteReaderAsync(http.RequestAborted))
            {
                while (await reader.ReadAsync(http.RequestAborted))
                {
                    rows.Add(new ActionsPerChallengeRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (int)reader.GetInt64(3),
                        (int)reader.GetInt64(4), (int)reader.GetInt64(5), (int)reader.GetInt64(6), (int)reader.GetInt64(7), (int)reader.GetInt64(8)));
                }
            }

            return Results.Ok(new ActionsPerChallengeView(rows));
        })
        .AddEndpointFilter(new ReadYourWrites(ActionsPerChallengeProjection.ProjectionName))
        .Produces<ActionsPerChallengeView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Reports")
        .WithName("GetActionsPerChallenge")
        .WithSummary("Actions per challenge by status (planned, inProgress, completed, postponed, abandoned, live), per partnership or overall");
        return app;
    }
}
