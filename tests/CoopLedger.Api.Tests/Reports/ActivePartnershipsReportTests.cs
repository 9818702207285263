using System.Net;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

public sealed class ActivePartnershipsReportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Partnerships_are_active_on_the_dates_their_conventions_cover_and_not_after()
    {
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        var monastir = await MonastirHistory.EnterAsync(demo, Cancel);
        var (twinning, emergency, youth) = await OthersAsync(demo);
        await client.CaughtUpAsync("active_partnerships");
        // The other test of this class adds a partnership active in 2020 (suspended only today): look at these ones.
        string[] histories = [monastir, twinning, emergency, youth];
        async Task<List<string>> ActiveOfTheseAsync(string date) => [.. (await ActiveAsync(client, date)).Where(histories.Contains)];

        Assert.Equal([monastir], await ActiveOfTheseAsync("2016-06-30"));
        Assert.Equal([twinning], await ActiveOfTheseAsync("2000-01-01"));
        Assert.Equal([youth], await ActiveOfTheseAsync("2020-01-01"));
        Assert.Empty(await ActiveOfTheseAsync("2019-01-15"));
        Assert.DoesNotContain(emergency, await ActiveAsync(client, "2023-09-12"));

        var report = await client.GetAsync("/api/reports/active-partnerships?asOf=2016-06-30");
        Assert.Equal(1, report.GetProperty("count").GetInt32());
        Assert.Equal(["TN"], report.GetProperty("partnerships")[0].GetProperty("countries").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_suspension_removes_a_partnership_and_a_back_dated_convention_adds_it_in_the_past()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Suspendu (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/conventions", new { signedOn = "1990-01-01", validFrom = "1990-01-01", validTo = "1991-12-31", reason = "entered late" });
        var written = await client.PostAsync($"{p}/conventions", new { signedOn = "2020-01-01", validFrom = "2020-01-01", reason = "open-ended" });

        var active = await client.GetAsync($"/api/reports/active-partnerships?asOf=1990-06-01&minPosition={written.GetProperty("position").GetInt64()}");
        Assert.Contains(p, active.GetProperty("partnerships").EnumerateArray().Select(r => $"/api/partnerships/{r.GetProperty("id").GetString()}"));

        var suspended = await client.PostAsync($"{p}/suspension", new { reason = "élections" });
        var after = await client.GetAsync($"/api/reports/active-partnerships?minPosition={suspended.GetProperty("position").GetInt64()}");
        Assert.DoesNotContain(p, after.GetProperty("partnerships").EnumerateArray().Select(r => $"/api/partnerships/{r.GetProperty("id").GetString()}"));
    }

    [Fact]
    public async Task A_partnership_under_overlapping_conventions_is_listed_once_with_the_one_that_started_last()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Deux conventions (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString();
        var p = $"/api/partnerships/{id}";
        var framework = await client.PostAsync($"{p}/conventions", new { signedOn = "2005-01-01", validFrom = "2005-01-01", validTo = "2009-12-31", reason = "archives" });
        var specific = await client.PostAsync($"{p}/conventions", new { signedOn = "2007-01-01", validFrom = "2007-01-01", validTo = "2008-12-31", reason = "archives" });
        await client.CaughtUpAsync("active_partnerships");

        async Task<string[]> ConventionsListedOnAsync(string date) =>
            [.. (await client.GetAsync($"/api/reports/active-partnerships?asOf={date}")).GetProperty("partnerships").EnumerateArray()
                .Where(r => r.GetProperty("id").GetString() == id).Select(r => r.GetProperty("activeConventionId").GetString()!)];

        var (first, second) = (framework.GetProperty("conventionId").GetString()!, specific.GetProperty("conventionId").GetString()!);
        Assert.Equal([first], await ConventionsListedOnAsync("2006-06-30"));
        Assert.Equal([second], await ConventionsListedOnAsync("2007-06-30"));
        Assert.Equal([first], await ConventionsListedOnAsync("2009-06-30"));
    }

    private static async Task<(string, string, string)> OthersAsync(DemoClient demo)
    {
        var paths = await OtherDemoHistories.EnterAsync(demo, Cancel);
        return (paths[0], paths[1], paths[2]);
    }

    private static async Task<List<string>> ActiveAsync(ApiClient client, string date) =>
        [.. (await client.GetAsync($"/api/reports/active-partnerships?asOf={date}")).GetProperty("partnerships").EnumerateArray()
            .Select(r => $"/api/partnerships/{r.GetProperty("id").GetString()}")];
}
