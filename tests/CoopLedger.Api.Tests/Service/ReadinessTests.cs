using System.Net;

namespace CoopLedger.Api.Tests.Service;

public sealed class ReadinessTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readiness_turns_503_when_a_migration_is_missing_while_liveness_stays_200()
    {
        var client = api.CreateClient();
        await api.ReadyAsync();

        await api.ExecuteAsync("DELETE FROM ledger.migrations WHERE version = 2");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative), Cancel)).StatusCode);
    }
}
