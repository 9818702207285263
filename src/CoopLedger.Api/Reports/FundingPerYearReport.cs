using CoopLedger.Projections.Funding;
using CoopLedger.Api.Commands;
using System.Globalization;
using CoopLedger.Api.Projections;
using Npgsql;

namespace CoopLedger.Api.Reports;

/// <summary>A year's amount for one key of the grouping.</summary>
public sealed record FundingRow(int Year, string Key, string Amount, string OnePercentWaterAmount);

/// <summary>A year's total.</summary>
public sealed record FundingTotal(int Year, string Amount);

/// <summary>Funding per year, grouped.</summary>
public sealed record FundingPerYearView(IReadOnlyList<FundingRow> Rows, IReadOnlyList<FundingTotal> Totals);

/// <summary><c>GET /api/reports/funding-per-year</c>, from the funding read model (withdrawn lines excluded).</summary>
public static class FundingPerYearReport
{
    // The grouping keys, mapped to columns here and nowhere else: no SQL is built from input.
    private static readonly Dictionary<string, string> Groupings = new(StringComparer.Ordinal)
    {
        ["funderKind"] = "funder_kind",
        ["funder"] = "funder_name",
        ["country"] = "country",
        ["mechanism"] = "mechanism",
        ["partnership"] = "partnership_id::text",
    };

    /// <summary>Maps the route.</summary>
    public static WebApplication MapFundingPerYear(this WebApplication app)
    {
        app.MapGet("/api/reports/funding-per-year", async (int? from, int? to, string? groupBy, NpgsqlDataSource dataSource, HttpContext http) =>
        {
            var key = groupBy ?? "funderKind";
            if (!Groupings.TryGetValue(key, out var column))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["groupBy"] = [$"One of: {string.Join(", ", Groupings.Keys)}."] });
            }

            await using var command = dataSource.CreateCommand($"""
                SELECT year, {column}, sum(amount), coalesce(sum(one_percent_water), 0)
                FROM funding_per_year.funding_lines
                WHERE NOT withdrawn AND ($1::int IS NULL OR year >= $1) AND ($2::int IS NULL OR year <= $2)
                GROUP BY year, {column} ORDER BY year, {column}
                """);
            command.Parameters.Add(new() { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new() { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            var rows = new List<FundingRow>();
            await using (var reader = await command.ExecuteReaderAsync(http.RequestAborted))
            {
                while (await reader.ReadAsync(http.RequestAborted))
                {
                    rows.Add(new FundingRow(reader.GetInt32(0), reader.GetString(1), Euros.Format(reader.GetDecimal(2)), Euros.Format(reader.GetDecimal(3))));
                }
            }

            var totals = rows.GroupBy(r => r.Year)
                .Select(g => new FundingTotal(g.Key, Euros.Format(g.Sum(r => decimal.Parse(r.Amount, CultureInfo.InvariantCulture))))).ToList();
            return Results.Ok(new FundingPerYearView(rows, totals));
        })
        .AddEndpointFilter(new ReadYourWrites(FundingPerYearProjection.ProjectionName))
        .Produces<FundingPerYearView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Reports")
        .WithName("GetFundingPerYear")
        .WithSummary("Funding per year grouped by funderKind, funder, country, mechanism or partnership (from the read model)");
        return app;
    }

}
