using CoopLedger.Domain.Partnerships;
using CoopLedger.Projections.Funding;
using CoopLedger.Api.Commands;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Security;

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
        ["partnership"] = "partnership_id",
    };

    /// <summary>Maps the route.</summary>
    public static WebApplication MapFundingPerYear(this WebApplication app)
    {
        app.MapGet("/api/reports/funding-per-year", async (int? from, int? to, string? groupBy, DateOnly? asOf, DateTimeOffset? knownAt,
            ReportDataSource dataSource, TimeProvider clock, HttpContext http) =>
        {
            var key = groupBy ?? "funderKind";
            var errors = new Dictionary<string, string[]>();
            if (!Groupings.TryGetValue(key, out var column))
            {
                errors["groupBy"] = [$"One of: {string.Join(", ", Groupings.Keys)}."];
            }

            if (ReportTime.From(asOf, knownAt, clock, errors) is not { } time)
            {
                return Results.ValidationProblem(errors);
            }

            // Today as now known: the kept totals answer (those per partnership for that grouping), unless a line starts
            // after today (a future-dated change). Otherwise the lines as of the day asked, as known at the instant asked.
            var kept = asOf is null && knownAt is null ? await KeptTotalsAsync(dataSource, time.AsOf, http.RequestAborted) : KeptTotals.None;
            var source = (kept, key) switch
            {
                (KeptTotals.None, _) or (KeptTotals.ByFunder, "partnership") => Source.Lines,
                (_, "partnership") => Source.PartnershipTotals,
                _ => Source.FunderTotals,
            };
            // Bounds are plain values so that one prepared plan can use the year index whatever the filter.
            var years = $"year BETWEEN coalesce($1, {Years.First}) AND coalesce($2, {Years.Last})";
            await using var command = dataSource.CreateCommand(source switch
            {
                // Kept per year and partnership, each row is already its group: read in its key's order, which is the
                // answer's (a uuid's text is lowercase hex of fixed width). Grouped and sorted by text, a year's 3,400
                // totals took 17-18 ms on the benchmark's log; read off the key, 5-6 ms.
                Source.PartnershipTotals =>
                    $"SELECT year, partnership_id::text, amount, one_percent_water FROM funding_per_year.funding_partnership_totals WHERE {years} ORDER BY year, partnership_id",
                Source.FunderTotals => Grouped(
                    $"SELECT year, {column} AS key, amount, one_percent_water AS water FROM funding_per_year.funding_totals WHERE {years}"),
                _ => Grouped(
                    $"SELECT year, {column} AS key, amount, coalesce(one_percent_water, 0) AS water FROM funding_per_year.funding_lines l "
                    + $"WHERE NOT withdrawn AND {ReportTime.Matches("l", 3, 4)} AND {years}"),
            });
            command.Parameters.Add(new() { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            command.Parameters.Add(new() { Value = (object?)to ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
            if (source == Source.Lines)
            {
                command.Parameters.Add(new() { Value = time.AsOf });
                command.Parameters.Add(new() { Value = time.KnownAt });
            }

            var rows = new List<FundingRow>();
            // Rows come in year order: each year's total is summed as its rows are read, from the amounts themselves.
            var perYear = new List<(int Year, decimal Amount)>();
            await using (var reader = await command.ExecuteReaderAsync(http.RequestAborted))
            {
                while (await reader.ReadAsync(http.RequestAborted))
                {
                    var (year, amount) = (reader.GetInt32(0), reader.GetDecimal(2));
                    rows.Add(new FundingRow(year, reader.GetString(1), Euros.Format(amount), Euros.Format(reader.GetDecimal(3))));
                    if (perYear.Count > 0 && perYear[^1].Year == year)
                    {
                        perYear[^1] = (year, perYear[^1].Amount + amount);
                    }
                    else
                    {
                        perYear.Add((year, amount));
                    }
                }
            }

            return Results.Ok(new FundingPerYearView(rows, [.. perYear.Select(t => new FundingTotal(t.Year, Euros.Format(t.Amount)))]));
        })
        .ReadsProjection(FundingPerYearProjection.ProjectionName)
        .Produces<FundingPerYearView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Reports")
        .WithName("GetFundingPerYear")
        .WithSummary("Funding per year grouped by funderKind, funder, country, mechanism or partnership, as of asOf, as known at knownAt")
        .ForReportReaders();
        return app;
    }

    /// <summary>
    /// Amounts grouped by year and key. Grouped by the column itself (a partnership's uuid), in the year index's order,
    /// so the lines need no sort before grouping; only the groups are sorted, by the key as the answer gives it.
    /// </summary>
    private static string Grouped(string amounts) =>
        $"SELECT year, key::text AS key_text, sum(amount), sum(water) FROM ({amounts}) AS lines GROUP BY year, key ORDER BY year, key_text";

    /// <summary>Where a report's amounts come from.</summary>
    private enum Source
    {
        /// <summary>The lines, as of the day asked, as known at the instant asked.</summary>
        Lines,

        /// <summary>The totals kept per funder kind, funder, country and mechanism.</summary>
        FunderTotals,

        /// <summary>The totals kept per partnership.</summary>
        PartnershipTotals,
    }

    /// <summary>Which kept totals can answer for today: none while a line known now starts after <paramref name="today"/>.</summary>
    /// <remarks>
    /// The totals per partnership came with the read model's version 5: until its rebuild is swapped in, the generation
    /// serving has none, and the grouping by partnership adds up the lines.
    /// </remarks>
    private static async Task<KeptTotals> KeptTotalsAsync(ReportDataSource dataSource, DateOnly today, CancellationToken cancellationToken)
    {
        // The latest start, read backwards off its index (an EXISTS was planned as a scan of every line).
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(max(lower(validity)) > $1, false), to_regclass('funding_per_year.funding_partnership_totals') IS NOT NULL
            FROM funding_per_year.funding_lines WHERE upper_inf(known)
            """);
        command.Parameters.Add(new() { Value = today });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(0) ? KeptTotals.None : reader.GetBoolean(1) ? KeptTotals.WithPartnerships : KeptTotals.ByFunder;
    }

    /// <summary>The kept totals that can answer a report for today.</summary>
    private enum KeptTotals
    {
        /// <summary>None: the lines answer.</summary>
        None,

        /// <summary>Those per funder kind, funder, country and mechanism.</summary>
        ByFunder,

        /// <summary>Those, and those per partnership.</summary>
        WithPartnerships,
    }
}
