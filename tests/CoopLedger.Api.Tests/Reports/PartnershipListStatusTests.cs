using System.Net;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>The list's status filter against the whole list, on a database of its own (it adds partnerships the other list tests would count).</summary>
public sealed class PartnershipListStatusTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_status_filter_lists_exactly_the_partnerships_the_whole_list_gives_that_status()
    {
        // The filter narrows by what implies each status before working the status out: it must never narrow further.
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        await MonastirHistory.EnterAsync(demo, Cancel);
        await OtherDemoHistories.EnterAsync(demo, Cancel);
        var suspended = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Suspendu (démo)"), HttpStatusCode.Created)).GetProperty("id").GetString();
        await client.PostAsync($"/api/partnerships/{suspended}/conventions", new { signedOn = "2015-05-04", validFrom = "2015-05-04", validTo = "2030-12-31", reason = "démo" });
        await client.PostAsync($"/api/partnerships/{suspended}/suspension", new { effectiveAt = "2020-03-01", reason = "démo" });
        await client.CaughtUpAsync("active_partnerships");

        var seen = new HashSet<string>();
        foreach (var day in new[] { "2010-01-01", "2016-06-30", "2018-12-31", "2019-01-01", "2019-01-15", "2026-01-01", DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
        {
            var whole = (await client.GetAsync($"/api/partnerships?asOf={day}")).GetProperty("partnerships").EnumerateArray()
                .Select(p => (Id: p.GetProperty("id").GetString()!, Status: p.GetProperty("status").GetString()!)).ToList();
            foreach (var status in Enum.GetNames<CoopLedger.Domain.Partnerships.PartnershipStatus>())
            {
                var filtered = (await client.GetAsync($"/api/partnerships?asOf={day}&status={status}")).GetProperty("partnerships").EnumerateArray()
                    .Select(p => p.GetProperty("id").GetString()!).ToList();
                Assert.Equal(whole.Where(p => p.Status == status).Select(p => p.Id), filtered);
            }

            seen.UnionWith(whole.Select(p => p.Status));
        }

        Assert.Superset(new HashSet<string> { "Registered", "Active", "Suspended", "Lapsed", "Terminated" }, seen);
    }
}
