using System.Runtime.CompilerServices;
using CoopLedger.Projections.ActionPlan;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Reports;

/// <summary>The actions of one challenge, counted by status; <c>live</c> counts all but the abandoned.</summary>
public sealed record ActionsPerChallengeRow(
    Guid PartnershipId, Guid ChallengeId, string Title, int Planned, int InProgress, int Completed, int Postponed, int Abandoned, int Live);

/// <summary>The rows of the report; with <c>limit</c>, <c>nextCursor</c> fetches the next partnerships (null on the last page).</summary>
public sealed record ActionsPerChallengeView(IReadOnlyList<ActionsPerChallengeRow> Rows, string? NextCursor = null);

/// <summary><c>GET /api/reports/actions-per-challenge</c>, per partnership or overall, from the actions read model.</summary>
public static class ActionsPerChallengeReport
{
    private const int MaxLimit = 1000;

    private const string Route = "/api/reports/actions-per-challenge";

    /// <summary>Every partnership's rows as currently known, kept in parts.</summary>
    public static WholeList<ActionsPerChallengeRow> WholeList(ReportDataSource dataSource) =>
        new(Route, ActionsPerChallengeProjection.ProjectionName, ["partnershipId", "limit", "cursor", "knownAt"], (_, _) => new ActionsPerChallengeView([]), nameof(ActionsPerChallengeView.Rows),
            (partnerships, asOf, knownAt, cancellationToken) => RowsAsync(dataSource, new ReportTime(asOf, knownAt), partnerships, null, null, cancellationToken),
            r => r.PartnershipId);

    /// <summary>Maps the route.</summary>
    public static WebApplication MapActionsPerChallenge(this WebApplication app)
    {
        app.MapGet(Route, async (Guid? partnershipId, DateOnly? asOf, DateTimeOffset? knownAt, int? limit, Guid? cursor, ReportDataSource dataSource, TimeProvider clock,
            PartnershipParts parts, WholeList<ActionsPerChallengeRow> whole, HttpContext http) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (ReportTime.From(asOf, knownAt, clock, errors) is not { } time)
            {
                return Results.ValidationProblem(errors);
            }

            if (limit is not null and not (>= 1 and <= MaxLimit))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {MaxLimit} partnerships."] });
            }

            // The whole list as currently known is kept in parts (an explicit knownAt never changes: answers kept whole do).
            if (parts.Serves(whole, http.Request))
            {
                return await parts.AnswerAsync(whole, time.AsOf, http.RequestAborted);
            }

            var rows = await RowsAsync(dataSource, time, partnershipId is { } one ? [one] : null, limit, cursor, http.RequestAborted).ToListAsync(http.RequestAborted);

            var partnerships = rows.Select(r => r.PartnershipId).Distinct().ToList();
            if (limit is null || partnerships.Count <= limit)
            {
                return Results.Ok(new ActionsPerChallengeView(rows));
            }

            // Rows come in the database's partnership order: the page ends where the extra partnership begins.
            var extra = partnerships[limit.Value];
            return Results.Ok(new ActionsPerChallengeView([.. rows.TakeWhile(r => r.PartnershipId != extra)], partnerships[limit.Value - 1].ToString()));
        })
        .ReadsWholeList<ActionsPerChallengeRow>(ActionsPerChallengeProjection.ProjectionName)
        .Produces<ActionsPerChallengeView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Reports")
        .WithName("GetActionsPerChallenge")
        .WithSummary("Actions per challenge by status (planned, inProgress, completed, postponed, abandoned, live), per partnership or overall")
        .WithDescription("Without `partnershipId` every partnership's rows are answered (megabytes at scale): dashboards page with "
            + "`limit` (partnerships per page, 1 to 1000) and `cursor` (the `nextCursor` of the previous page).")
        .ForReportReaders();
        return app;
    }

    /// <summary>
    /// The rows of some partnerships (<paramref name="partnerships"/>) or of every one, in partnership order; with
    /// <paramref name="limit"/>, of that many partnerships plus one after <paramref name="cursor"/>.
    /// </summary>
    private static async IAsyncEnumerable<ActionsPerChallengeRow> RowsAsync(ReportDataSource dataSource, ReportTime time,
        Guid[]? partnerships, int? limit, Guid? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The page: whole partnerships in id order after the cursor. Without a limit every partnership is answered, and
        // the rows are filtered directly: finding the distinct partnerships first read the table twice for nothing.
        const string idAndCursor = "($1::uuid[] IS NULL OR partnership_id = ANY ($1)) AND ($3::uuid IS NULL OR partnership_id > $3)";
        var page = limit is null
            ? idAndCursor
            : $"""
                partnership_id IN (
                    SELECT DISTINCT partnership_id FROM actions_per_challenge.plan_actions p
                    WHERE {ReportTime.Matches("p", 2, 5)} AND {idAndCursor}
                    ORDER BY partnership_id LIMIT $4)
                """;
        await using var command = dataSource.CreateCommand($"""
            SELECT partnership_id, challenge_id, challenge_title,
                   count(*) FILTER (WHERE status = 'Planned'), count(*) FILTER (WHERE status = 'InProgress'),
                   count(*) FILTER (WHERE status = 'Completed'), count(*) FILTER (WHERE status = 'Postponed'),
                   count(*) FILTER (WHERE status = 'Abandoned'), count(*) FILTER (WHERE status <> 'Abandoned')
            FROM actions_per_challenge.plan_actions a
            WHERE {ReportTime.Matches("a", 2, 5)} AND {page}
            GROUP BY partnership_id, challenge_id, challenge_title, challenge_order
            ORDER BY partnership_id, challenge_order
            """);
        command.Parameters.Add(new() { Value = (object?)partnerships ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = time.AsOf });
        command.Parameters.Add(new() { Value = (object?)cursor ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        // One more partnership than asked, to know whether another page follows. Unused without a limit: its type is
        // declared here, so PostgreSQL need not infer it from the text.
        command.Parameters.Add(new() { Value = limit is null ? DBNull.Value : limit + 1, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = time.KnownAt });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new ActionsPerChallengeRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), (int)reader.GetInt64(3),
                (int)reader.GetInt64(4), (int)reader.GetInt64(5), (int)reader.GetInt64(6), (int)reader.GetInt64(7), (int)reader.GetInt64(8));
        }
    }
}
