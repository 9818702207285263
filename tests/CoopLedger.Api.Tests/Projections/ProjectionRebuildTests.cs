using System.Net;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Testing;

namespace CoopLedger.Api.Tests.Projections;

public sealed class ProjectionRebuildTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] ReadModels = ["funding_per_year", "active_partnerships", "actions_per_challenge"];
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rebuilt_read_models_have_exactly_the_rows_the_live_projections_wrote()
    {
        var client = new ApiClient(api.CreateClient());
        var demo = new DemoClient(api.CreateClient());
        await MonastirHistory.EnterAsync(demo, Cancel);
        await OtherDemoHistories.EnterAsync(demo, Cancel);
        await ReviseWithdrawAndCorrectAsync(client);
        await client.CaughtUpAsync(ReadModels);
        var live = await ChecksumsAsync();
        var funding = await client.GetAsync("/api/reports/funding-per-year?groupBy=country");

        foreach (var name in ReadModels)
        {
            var response = await api.CreateClient().PostAsync(new Uri($"/api/projections/{name}/rebuild", UriKind.Relative), null, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await client.RebuiltAsync();
        await client.CaughtUpAsync(ReadModels);
        Assert.Equal(live, await ChecksumsAsync());
        Assert.Equal(funding.GetRawText(), (await client.GetAsync("/api/reports/funding-per-year?groupBy=country")).GetRawText());
    }

    [Fact]
    public async Task Rebuilding_an_unknown_projection_is_a_404()
    {
        var response = await api.CreateClient().PostAsync(new Uri("/api/projections/no_such_thing/rebuild", UriKind.Relative), null, Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.NotFound);
    }

    /// <summary>Funding revised, withdrawn and corrected: the live and rebuilt folds must agree on those too.</summary>
    private static async Task ReviseWithdrawAndCorrectAsync(ApiClient client)
    {
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Rebuilt (test)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        object Funding(string funder) => new { funder = new { name = funder, kind = "FrenchAuthority" }, amount = "1000.00", year = 2030, mechanism = "GeneralBudget", reason = "test" };
        var kept = (await client.PostAsync($"{p}/funding", Funding("Ville"))).GetProperty("fundingId").GetString();
        var dropped = (await client.PostAsync($"{p}/funding", Funding("Lycée"))).GetProperty("fundingId").GetString();
        await client.PostAsync($"{p}/funding/{kept}/revisions", new { amount = "1200.00", reason = "avenant" });
        await client.PostAsync($"{p}/funding/{dropped}/withdrawal", new { reason = "annulé" });
        var revision = (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray().Last(e => e.GetProperty("type").GetString() == "funding_revised");
        await client.PostAsync($"{p}/corrections", new { correctsEventId = revision.GetProperty("eventId").GetString(), changes = new { amount = 1250 }, reason = "typo" });
    }

    /// <summary>Every read-model table's rows, which must not be empty for the comparison to mean something.</summary>
    private async Task<Dictionary<string, string>> ChecksumsAsync()
    {
        var checksums = await ReadModelChecksums.OfAsync(api.ConnectionString, Cancel);
        Assert.Equal(6, checksums.Count);
        Assert.All(checksums.Values, c => Assert.False(c.StartsWith("0:", StringComparison.Ordinal), "a read model is empty"));
        return checksums;
    }
}
