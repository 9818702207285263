using System.Net;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>A read model of its own: the test takes a table away from it.</summary>
public sealed class FundingPerYearUpgradeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Until_a_generation_with_totals_per_partnership_serves_the_grouping_by_partnership_adds_up_the_lines()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Réseau (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/funding", new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "700.00", year = 2053, mechanism = "GeneralBudget", reason = "demo" });
        await client.CaughtUpAsync("funding_per_year");
        // As a generation of version 4 serves, until the rebuild that version 5 asks for is swapped in.
        await api.ExecuteAsync("DROP TABLE funding_per_year.funding_partnership_totals");

        var report = await client.GetAsync("/api/reports/funding-per-year?from=2053&to=2053&groupBy=partnership");

        Assert.Equal("700.00", Assert.Single(report.GetProperty("rows").EnumerateArray()).GetProperty("amount").GetString());
    }
}
