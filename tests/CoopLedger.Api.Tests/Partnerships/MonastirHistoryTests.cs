using System.Globalization;
using System.Text.Json;
using CoopLedger.Api.Demo;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>
/// DOMAIN.md's worked history, Saint-Étienne – Monastir, entered through HTTP with its real dates (the same
/// history <c>seed-demo</c> enters), and the answers DOMAIN.md gives for it.
/// </summary>
public sealed class MonastirHistoryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_worked_history_gives_the_answers_DOMAIN_md_expects()
    {
        var demo = new DemoClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(demo, Cancel);
        var client = new ApiClient(api.CreateClient());

        Assert.Empty(demo.Warnings);

        var plan2016 = await client.GetAsync($"{p}/plan?asOf=2016-06-30");
        Assert.Equal(4, plan2016.GetProperty("challenges").GetArrayLength());
        Assert.Equal(9, LiveActions(plan2016));

        var plan2017 = await client.GetAsync($"{p}/plan?asOf=2017-03-01");
        Assert.Equal(8, LiveActions(plan2017));
        var abandoned = Assert.Single(Actions(plan2017), a => a.GetProperty("status").GetString() == "Abandoned");
        Assert.Equal(MonastirHistory.AbandonedAction, abandoned.GetProperty("title").GetString());
        Assert.Equal(8, plan2017.GetProperty("annualProgrammes")[0].GetProperty("actionIds").GetArrayLength());

        Assert.Equal("Active", (await client.GetAsync($"{p}?asOf=2016-06-30")).GetProperty("status").GetString());
        Assert.NotEqual("Active", (await client.GetAsync($"{p}?asOf=2019-01-15")).GetProperty("status").GetString());

        var funding2017 = (await client.GetAsync($"{p}?asOf=2017-12-31")).GetProperty("funding").EnumerateArray()
            .Where(f => f.GetProperty("year").GetInt32() == 2017 && !f.GetProperty("withdrawn").GetBoolean()).ToList();
        Assert.Equal(62570.00m, funding2017.Sum(f => decimal.Parse(f.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal("17100.00", funding2017.Single(f => f.GetProperty("funder").GetProperty("kind").GetString() == "State").GetProperty("amount").GetString());
        Assert.All(funding2017, f => Assert.Equal(JsonValueKind.Null, f.GetProperty("onePercentWaterAmount").ValueKind));
    }

    [Fact]
    public async Task The_other_demo_histories_enter_through_the_real_command_path()
    {
        var demo = new DemoClient(api.CreateClient());
        var client = new ApiClient(api.CreateClient());

        var paths = await OtherDemoHistories.EnterAsync(demo, Cancel);

        Assert.Equal("Lapsed", (await client.GetAsync($"{paths[0]}?asOf=2026-01-01")).GetProperty("status").GetString());
        Assert.Equal("Active", (await client.GetAsync($"{paths[0]}?asOf=2000-01-01")).GetProperty("status").GetString());
        Assert.Single(demo.Warnings, w => w.StartsWith($"{paths[1]}/funding", StringComparison.Ordinal));
        Assert.Equal(3, LiveActions(await client.GetAsync($"{paths[2]}/plan?asOf=2020-01-01")));
    }

    private static IEnumerable<JsonElement> Actions(JsonElement plan) =>
        plan.GetProperty("challenges").EnumerateArray().SelectMany(c => c.GetProperty("actions").EnumerateArray());

    private static int LiveActions(JsonElement plan) => Actions(plan).Count(a => a.GetProperty("status").GetString() != "Abandoned");
}
