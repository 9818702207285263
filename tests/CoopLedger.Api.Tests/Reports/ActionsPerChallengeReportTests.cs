using System.Net;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

public sealed class ActionsPerChallengeReportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_worked_history_counts_eight_live_actions_one_abandoned_one_postponed_over_four_challenges()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        await client.CaughtUpAsync("actions_per_challenge");
        var id = p.Split('/')[^1];

        var rows = (await client.GetAsync($"/api/reports/actions-per-challenge?partnershipId={id}")).GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal(4, rows.Count);
        Assert.Equal(8, rows.Sum(r => r.GetProperty("live").GetInt32()));
        Assert.Equal(1, rows.Sum(r => r.GetProperty("abandoned").GetInt32()));
        Assert.Equal(1, rows.Sum(r => r.GetProperty("postponed").GetInt32()));
        var insertion = rows.Single(r => r.GetProperty("title").GetString() == "Améliorer et développer l'insertion professionnelle");
        Assert.Equal((1, 1), (insertion.GetProperty("live").GetInt32(), insertion.GetProperty("abandoned").GetInt32()));
    }

    [Fact]
    public async Task A_past_date_is_refused_with_where_to_look_instead()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/api/reports/actions-per-challenge?asOf=2016-06-30", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
    }
}
