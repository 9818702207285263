using System.Net;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

public sealed class PartnershipListTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_filters_by_status_at_a_date_country_SIREN_and_form_and_pages_by_cursor()
    {
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        var monastir = await MonastirHistory.EnterAsync(demo, Cancel);
        var others = await OtherDemoHistories.EnterAsync(demo, Cancel);
        await client.CaughtUpAsync("active_partnerships");

        Assert.Equal([monastir], await IdsAsync(client, "status=Active&asOf=2016-06-30"));
        Assert.Equal([monastir], await IdsAsync(client, "status=Terminated&asOf=2019-01-15"));
        Assert.Equal([others[0]], await IdsAsync(client, "status=Lapsed&asOf=2026-01-01&form=Twinning"));
        Assert.Equal([others[2]], await IdsAsync(client, "country=CA"));
        Assert.Equal([others[1]], await IdsAsync(client, "siren=200053759"));

        var all = await IdsAsync(client, "");
        var first = await client.GetAsync("/api/partnerships?limit=3");
        var second = await client.GetAsync($"/api/partnerships?limit=3&cursor={first.GetProperty("nextCursor").GetString()}");
        Assert.Equal(4, all.Count);
        Assert.Equal(all, [.. Ids(first), .. Ids(second)]);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("status=Dormant")]
    [InlineData("form=Friendship")]
    [InlineData("limit=0")]
    [InlineData("asOf=2500-01-01")]
    [InlineData("cursor=not-a-guid")]
    public async Task Bad_filters_are_400(string query)
    {
        var response = await api.CreateClient().GetAsync(new Uri($"/api/partnerships?{query}", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task<List<string>> IdsAsync(ApiClient client, string query) => Ids(await client.GetAsync($"/api/partnerships?{query}"));

    private static List<string> Ids(System.Text.Json.JsonElement page) =>
        [.. page.GetProperty("partnerships").EnumerateArray().Select(p => $"/api/partnerships/{p.GetProperty("id").GetString()}")];
}
