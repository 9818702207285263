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

    [Theory]
    [InlineData("2016-06-30", 9, 0)]
    [InlineData("2017-03-01", 8, 1)]
    public async Task As_of_a_past_date_it_counts_the_plan_as_it_then_stood(string asOf, int live, int abandoned)
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        await client.CaughtUpAsync("actions_per_challenge");

        var rows = (await client.GetAsync($"/api/reports/actions-per-challenge?partnershipId={p.Split('/')[^1]}&asOf={asOf}"))
            .GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal((live, abandoned), (rows.Sum(r => r.GetProperty("live").GetInt32()), rows.Sum(r => r.GetProperty("abandoned").GetInt32())));
        // The same answer as the domain's own fold of the plan at that date.
        var plan = await client.GetAsync($"{p}/plan?asOf={asOf}");
        var statuses = plan.GetProperty("challenges").EnumerateArray().SelectMany(c => c.GetProperty("actions").EnumerateArray())
            .GroupBy(a => a.GetProperty("status").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(statuses.GetValueOrDefault("Completed"), rows.Sum(r => r.GetProperty("completed").GetInt32()));
        Assert.Equal(statuses.GetValueOrDefault("InProgress"), rows.Sum(r => r.GetProperty("inProgress").GetInt32()));
        Assert.Equal(statuses.GetValueOrDefault("Planned"), rows.Sum(r => r.GetProperty("planned").GetInt32()));
    }

    [Fact]
    public async Task Before_the_plan_was_adopted_there_is_nothing_to_count()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        await client.CaughtUpAsync("actions_per_challenge");

        var rows = (await client.GetAsync($"/api/reports/actions-per-challenge?partnershipId={p.Split('/')[^1]}&asOf=2001-01-01")).GetProperty("rows");

        Assert.Equal(0, rows.GetArrayLength());
    }

    [Fact]
    public async Task Pages_of_whole_partnerships_add_up_to_the_unpaged_answer()
    {
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        // Two partnerships with a plan in 2016 of their own (the other demo histories adopt theirs later): the test
        // then pages through several whatever the class's other tests entered.
        await MonastirHistory.EnterAsync(demo, Cancel);
        await MonastirHistory.EnterAsync(demo, Cancel);
        await OtherDemoHistories.EnterAsync(demo, Cancel);
        await client.CaughtUpAsync("actions_per_challenge");
        var all = (await client.GetAsync("/api/reports/actions-per-challenge?asOf=2016-06-30")).GetProperty("rows").EnumerateArray().Select(r => r.GetRawText()).ToList();

        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetAsync($"/api/reports/actions-per-challenge?asOf=2016-06-30&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}");
            var rows = page.GetProperty("rows").EnumerateArray().ToList();
            Assert.Single(rows.Select(r => r.GetProperty("partnershipId").GetString()).Distinct());
            paged.AddRange(rows.Select(r => r.GetRawText()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.True(pages >= 2, "the demo histories plan actions in several partnerships");
        Assert.Equal(all, paged);
    }

    [Fact]
    public async Task A_cursor_without_a_limit_answers_every_partnership_after_it()
    {
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        await MonastirHistory.EnterAsync(demo, Cancel);
        await MonastirHistory.EnterAsync(demo, Cancel);
        await client.CaughtUpAsync("actions_per_challenge");
        var all = (await client.GetAsync("/api/reports/actions-per-challenge?asOf=2016-06-30")).GetProperty("rows").EnumerateArray().ToList();
        var first = all[0].GetProperty("partnershipId").GetString();

        var after = (await client.GetAsync($"/api/reports/actions-per-challenge?asOf=2016-06-30&cursor={first}")).GetProperty("rows").EnumerateArray();

        // Rows come in partnership order: those after the cursor are all but the first partnership's.
        var expected = all.SkipWhile(r => r.GetProperty("partnershipId").GetString() == first).Select(r => r.GetRawText()).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, after.Select(r => r.GetRawText()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("cursor=not-a-guid")]
    public async Task Bad_paging_is_refused(string query)
    {
        var response = await api.CreateClient().GetAsync(new Uri($"/api/reports/actions-per-challenge?{query}", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_date_out_of_range_is_refused()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/api/reports/actions-per-challenge?asOf=1900-06-30", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
    }
}
