using System.Net;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>Statuses read from the projections are those of the date asked, not today's.</summary>
public sealed class StatusAsOfTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_suspension_in_2020_shows_from_2020_on_and_not_before()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Suspendue en 2020"), HttpStatusCode.Created)).GetProperty("id").GetString();
        await client.PostAsync($"/api/partnerships/{id}/conventions", new { signedOn = "2015-05-04", validFrom = "2015-05-04", validTo = "2030-12-31", reason = "Atlas" });
        await client.PostAsync($"/api/partnerships/{id}/suspension", new { effectiveAt = "2020-03-01", reason = "Crise sanitaire" });
        await client.CaughtUpAsync("active_partnerships");

        Assert.Equal("Active", await ListedStatusAsync(client, id!, "2016-06-30"));
        Assert.Equal("Active", await ListedStatusAsync(client, id!, "2020-02-29"));
        Assert.Equal("Suspended", await ListedStatusAsync(client, id!, "2020-03-01"));
        Assert.Equal("Suspended", await ListedStatusAsync(client, id!, "2024-01-01"));
        Assert.Contains(id, await ActiveAsync(client, "2016-06-30"));
        Assert.DoesNotContain(id, await ActiveAsync(client, "2021-01-01"));
        // The projection agrees with the domain's own fold of the partnership at each date.
        Assert.Equal("Active", (await client.GetAsync($"/api/partnerships/{id}?asOf=2016-06-30")).GetProperty("status").GetString());
        Assert.Equal("Suspended", (await client.GetAsync($"/api/partnerships/{id}?asOf=2024-01-01")).GetProperty("status").GetString());
    }

    private static async Task<string?> ListedStatusAsync(ApiClient client, string id, string asOf) =>
        (await client.GetAsync($"/api/partnerships?asOf={asOf}")).GetProperty("partnerships").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == id).GetProperty("status").GetString();

    private static async Task<List<string?>> ActiveAsync(ApiClient client, string asOf) =>
        [.. (await client.GetAsync($"/api/reports/active-partnerships?asOf={asOf}")).GetProperty("partnerships").EnumerateArray().Select(p => p.GetProperty("id").GetString())];
}
