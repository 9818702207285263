using System.Runtime.CompilerServices;
using CoopLedger.Projections.Partnerships;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Reports;

/// <summary>A partnership active on the date.</summary>
public sealed record ActivePartnershipRow(Guid Id, string Title, IReadOnlyList<string> Countries, Guid ActiveConventionId);

/// <summary>The partnerships active on a date.</summary>
public sealed record ActivePartnershipsView(DateOnly AsOf, int Count, IReadOnlyList<ActivePartnershipRow> Partnerships);

/// <summary><c>GET /api/reports/active-partnerships</c>: one indexed query on the conventions' validity ranges.</summary>
public static class ActivePartnershipsReport
{
    private const string Route = "/api/reports/active-partnerships";

    /// <summary>Maps the route.</summary>
    public static WebApplication MapActivePartnerships(this WebApplication app)
    {
        app.MapGet(Route, async (DateOnly? asOf, DateTimeOffset? knownAt, ReportDataSource dataSource, TimeProvider clock,
            PartnershipParts parts, WholeList<ActivePartnershipRow> whole, HttpContext http) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (ReportTime.From(asOf, knownAt, clock, errors) is not { } time)
            {
                return Results.ValidationProblem(errors);
            }

            // As currently known, kept in parts (an explicit knownAt never changes: answers kept whole do).
            if (parts.Serves(whole, http.Request))
            {
                return await parts.AnswerAsync(whole, time.AsOf, http.RequestAborted);
            }

            var rows = await RowsAsync(dataSource, time, null, http.RequestAborted).ToListAsync(http.RequestAborted);

            // In the order the kept parts stand in, written once for both.
            return Results.Ok(new ActivePartnershipsView(time.AsOf, rows.Count, [.. rows.OrderBy(r => new PartPlace(r.Title, r.Id), PartPlace.InAnswerOrder)]));
        })
        .ReadsWholeList<ActivePartnershipRow>(ActivePartnershipsProjection.ProjectionName)
        .Produces<ActivePartnershipsView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Reports")
        .WithName("GetActivePartnerships")
        .WithSummary("The partnerships active on asOf (default today) as known at knownAt (default now), from the convention-validity read model")
        .ForReportReaders();
        return app;
    }

    /// <summary>The partnerships active on a day as currently known, kept in parts, listed by title then id.</summary>
    public static WholeList<ActivePartnershipRow> WholeList(ReportDataSource dataSource) =>
        new(Route, ActivePartnershipsProjection.ProjectionName, ["knownAt"], (day, count) => new ActivePartnershipsView(day, count, []), nameof(ActivePartnershipsView.Partnerships),
            (partnerships, asOf, knownAt, cancellationToken) => RowsAsync(dataSource, new ReportTime(asOf, knownAt), partnerships, cancellationToken),
            r => r.Id, r => r.Title);

    /// <summary>The partnerships active on the day, of some (<paramref name="partnerships"/>) or of all, in no order.</summary>
    private static async IAsyncEnumerable<ActivePartnershipRow> RowsAsync(ReportDataSource dataSource, ReportTime time, Guid[]? partnerships,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Active: a validity period covers the date, and neither cancelled, suspended nor terminated by then. Each
        // partnership is named once, with the convention whose period started last; chosen here rather than by
        // DISTINCT ON, whose sort of every matching period cost PostgreSQL more than keeping the latest here (docs/BENCHMARKS.md).
        await using var command = dataSource.CreateCommand($"""
            SELECT p.partnership_id, p.title, p.countries, c.convention_id, lower(c.validity)
            FROM active_partnerships.convention_periods c
            JOIN active_partnerships.partnerships p ON p.partnership_id = c.partnership_id AND {ReportTime.MatchesByKey("p", 1, 2)}
            WHERE {ReportTime.Matches("c", 1, 2)}
              AND NOT p.cancelled AND NOT p.suspended AND (p.terminated_on IS NULL OR p.terminated_on > $1::date)
              AND ($3::uuid[] IS NULL OR c.partnership_id = ANY ($3))
            """);
        command.Parameters.Add(new() { Value = time.AsOf });
        command.Parameters.Add(new() { Value = time.KnownAt });
        command.Parameters.Add(new() { Value = (object?)partnerships ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        var latest = new Dictionary<Guid, (ActivePartnershipRow Row, DateOnly? Start)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (id, conventionId) = (reader.GetGuid(0), reader.GetGuid(3));
                DateOnly? start = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4);
                if (!latest.TryGetValue(id, out var kept) || StartsLater(start, conventionId, kept.Start, kept.Row.ActiveConventionId))
                {
                    latest[id] = (new ActivePartnershipRow(id, reader.GetString(1), reader.GetFieldValue<string[]>(2), conventionId), start);
                }
            }
        }

        foreach (var (row, _) in latest.Values)
        {
            yield return row;
        }
    }

    /// <summary>Whether a period starts after another (an unbounded start is the earliest); the convention id breaks ties.</summary>
    private static bool StartsLater(DateOnly? start, Guid conventionId, DateOnly? other, Guid otherConventionId) =>
        (start, other) switch
        {
            (null, null) => conventionId.CompareTo(otherConventionId) > 0,
            (null, _) => false,
            (_, null) => true,
            _ => start > other || (start == other && conventionId.CompareTo(otherConventionId) > 0),
        };
}
