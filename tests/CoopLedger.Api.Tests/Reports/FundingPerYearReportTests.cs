using System.Net;
using System.Text.Json;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

public sealed class FundingPerYearReportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_2017_funding_of_the_worked_history_totals_62570_euros_of_which_the_State_17100()
    {
        var client = new ApiClient(api.CreateClient());
        await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        await client.CaughtUpAsync("funding_per_year");

        var byKind = await client.GetAsync("/api/reports/funding-per-year?from=2017&to=2017&groupBy=funderKind");
        var byCountry = await client.GetAsync("/api/reports/funding-per-year?from=2017&to=2017&groupBy=country");

        Assert.Equal("62570.00", Assert.Single(byKind.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetString());
        Assert.Equal("17100.00", Row(byKind, "State").GetProperty("amount").GetString());
        Assert.Equal("900.00", Row(byKind, "School").GetProperty("amount").GetString());
        Assert.Equal("62570.00", Row(byCountry, "TN").GetProperty("amount").GetString());
        Assert.Equal("0.00", Row(byCountry, "TN").GetProperty("onePercentWaterAmount").GetString());
    }

    [Theory]
    [InlineData("funderKind")]
    [InlineData("partnership")]
    public async Task Each_year_totals_the_rows_of_that_year(string groupBy)
    {
        var client = new ApiClient(api.CreateClient());
        // A partnership funded over three years of its own (the class's other tests read theirs), two funder kinds in one.
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Réseau pluriannuel (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        foreach (var (funder, kind, year, amount) in new[]
        {
            ("Ville", "FrenchAuthority", 2044, "1000.00"), ("Lycée", "School", 2044, "250.50"), ("Ville", "FrenchAuthority", 2045, "800.00"),
            ("Ville", "FrenchAuthority", 2046, "99.99"), ("Lycée", "School", 2046, "0.01"),
        })
        {
            await client.PostAsync($"{p}/funding", new { funder = new { name = funder, kind }, amount, year, mechanism = "GeneralBudget", reason = "demo" });
        }

        await client.CaughtUpAsync("funding_per_year");

        var report = await client.GetAsync($"/api/reports/funding-per-year?from=2044&to=2046&groupBy={groupBy}");

        var rows = report.GetProperty("rows").EnumerateArray()
            .GroupBy(r => r.GetProperty("year").GetInt32(), r => decimal.Parse(r.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .Select(g => (Year: g.Key, Amount: g.Sum().ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        var totals = report.GetProperty("totals").EnumerateArray().Select(t => (Year: t.GetProperty("year").GetInt32(), Amount: t.GetProperty("amount").GetString()!));
        Assert.Equal(3, rows.Count());
        Assert.Equal(rows.OrderBy(r => r.Year), totals);
    }

    [Fact]
    public async Task Revisions_withdrawals_and_corrections_reach_the_report()
    {
        var client = new ApiClient(api.CreateClient());
        var registration = ApiClient.Registration("Réseau (démo)");
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", registration, HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var kept = (await client.PostAsync($"{p}/funding", Funding("Ville", "1000.00"))).GetProperty("fundingId").GetString();
        var dropped = (await client.PostAsync($"{p}/funding", Funding("Lycée", "500.00"))).GetProperty("fundingId").GetString();
        await client.PostAsync($"{p}/funding/{kept}/revisions", new { amount = "1200.00", reason = "avenant" });
        await client.PostAsync($"{p}/funding/{dropped}/withdrawal", new { reason = "annulé" });
        var revision = (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray().Last(e => e.GetProperty("type").GetString() == "funding_revised");
        await client.PostAsync($"{p}/corrections", new { correctsEventId = revision.GetProperty("eventId").GetString(), changes = new { amount = 1250 }, reason = "typo" });
        await client.CaughtUpAsync("funding_per_year");

        var report = await client.GetAsync($"/api/reports/funding-per-year?from=2031&to=2031&groupBy=partnership");

        Assert.Equal("1250.00", Assert.Single(report.GetProperty("rows").EnumerateArray()).GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Today_s_funding_per_partnership_from_the_kept_totals_is_the_one_the_lines_give_row_for_row_in_order()
    {
        var client = new ApiClient(api.CreateClient());
        // Partnerships funded in a year of their own (the class's other tests read theirs), one line of each revised,
        // one withdrawn: the kept totals follow each change, and their rows come in the answer's order of keys.
        for (var i = 0; i < 6; i++)
        {
            var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration($"Réseau {i} (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
            var revised = (await client.PostAsync($"{p}/funding", YearFunding("Ville", $"{100 + i}.00"))).GetProperty("fundingId").GetString();
            var withdrawn = (await client.PostAsync($"{p}/funding", YearFunding("Lycée", "40.00"))).GetProperty("fundingId").GetString();
            await client.PostAsync($"{p}/funding", YearFunding("Région", $"{i}.50"));
            await client.PostAsync($"{p}/funding/{revised}/revisions", new { amount = $"{200 + i}.00", reason = "avenant" });
            if (i % 2 == 0)
            {
                await client.PostAsync($"{p}/funding/{withdrawn}/withdrawal", new { reason = "annulé" });
            }
        }

        await client.CaughtUpAsync("funding_per_year");

        var kept = await client.GetAsync("/api/reports/funding-per-year?from=2052&to=2052&groupBy=partnership");
        // An explicit day, even today's, is answered from the lines.
        var fromLines = await client.GetAsync($"/api/reports/funding-per-year?from=2052&to=2052&groupBy=partnership&asOf={DateTime.UtcNow:yyyy-MM-dd}");

        Assert.Equal(6, kept.GetProperty("rows").GetArrayLength());
        Assert.Equal(fromLines.GetRawText(), kept.GetRawText());
        var keys = kept.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);

        // Which table answered: behind the service's back, the kept totals are made wrong, and a query not asked before
        // (so not answered from the kept answers) shows it for today, not for an explicit day.
        await api.ExecuteAsync("UPDATE funding_per_year.funding_partnership_totals SET amount = amount + 1000 WHERE year = 2052");
        try
        {
            var wrong = await client.GetAsync("/api/reports/funding-per-year?from=2051&to=2052&groupBy=partnership");
            var right = await client.GetAsync($"/api/reports/funding-per-year?from=2051&to=2052&groupBy=partnership&asOf={DateTime.UtcNow:yyyy-MM-dd}");
            Assert.Equal(Amounts(fromLines).Select(a => a + 1000), Amounts(wrong));
            Assert.Equal(Amounts(fromLines), Amounts(right));
        }
        finally
        {
            await api.ExecuteAsync("UPDATE funding_per_year.funding_partnership_totals SET amount = amount - 1000 WHERE year = 2052");
        }

        static IEnumerable<decimal> Amounts(JsonElement report) =>
            report.GetProperty("rows").EnumerateArray().Select(r => decimal.Parse(r.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        static object YearFunding(string funder, string amount) =>
            new { funder = new { name = funder, kind = "FrenchAuthority" }, amount, year = 2052, mechanism = "GeneralBudget", reason = "demo" };
    }

    [Fact]
    public async Task A_query_with_minPosition_sees_the_write_that_answered_that_position()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("RYW (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";

        var written = await client.PostAsync($"{p}/funding", new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "777.00", year = 2041, mechanism = "GeneralBudget", reason = "demo" });
        var report = await client.GetAsync($"/api/reports/funding-per-year?from=2041&to=2041&minPosition={written.GetProperty("position").GetInt64()}");

        Assert.Equal("777.00", Assert.Single(report.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetString());
    }

    [Fact]
    public async Task An_answer_is_kept_while_the_read_model_has_not_moved_and_computed_again_once_it_has()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Cache (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        const string Report = "/api/reports/funding-per-year?from=2042&to=2042";
        var first = await client.PostAsync($"{p}/funding", new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "100.00", year = 2042, mechanism = "GeneralBudget", reason = "demo" });
        Assert.Equal("100.00", Total(await client.GetAsync($"{Report}&minPosition={first.GetProperty("position").GetInt64()}")));

        // Behind the service's back: a query that ran again would see this, an answer kept does not.
        Assert.Equal(1, await api.ExecuteAsync("UPDATE funding_per_year.funding_lines SET amount = 150 WHERE year = 2042"));

        Assert.Equal("100.00", Total(await client.GetAsync(Report)));

        var second = await client.PostAsync($"{p}/funding", new { funder = new { name = "Lycée", kind = "School" }, amount = "10.00", year = 2042, mechanism = "GeneralBudget", reason = "demo" });
        Assert.Equal("160.00", Total(await client.GetAsync($"{Report}&minPosition={second.GetProperty("position").GetInt64()}")));

        static string? Total(JsonElement report) => Assert.Single(report.GetProperty("totals").EnumerateArray()).GetProperty("amount").GetString();
    }

    [Fact]
    public async Task A_position_the_read_models_do_not_reach_in_time_is_503_with_Retry_After_and_a_bad_one_400()
    {
        var unreachable = await api.CreateClient().GetAsync(new Uri("/api/reports/funding-per-year?minPosition=999999999", UriKind.Relative), Cancel);
        var invalid = await api.CreateClient().GetAsync(new Uri("/api/reports/funding-per-year?minPosition=-3", UriKind.Relative), Cancel);

        await Problems.ReadAsync(unreachable, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(unreachable.Headers.RetryAfter);
        await Problems.ReadAsync(invalid, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_grouping_is_400()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/api/reports/funding-per-year?groupBy=colour", UriKind.Relative), Cancel);

        Assert.True((await Problems.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("groupBy", out _));
    }

    private static object Funding(string funder, string amount) =>
        new { funder = new { name = funder, kind = "FrenchAuthority" }, amount, year = 2031, mechanism = "GeneralBudget", reason = "demo" };

    private static JsonElement Row(JsonElement report, string key) =>
        report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == key);
}
