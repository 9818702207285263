using CoopLedger.Api.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Projections;

/// <summary>The test host stops the service's hosted services, then disposes them: each must find the daemons stopped.</summary>
public sealed class ProjectionHostStopTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_second_stop_returns_only_once_the_daemons_the_first_one_stopped_have_stopped()
    {
        _ = api.Server;
        var host = api.Services.GetRequiredService<ProjectionHost>();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !host.Daemons.All(d => d.IsLeader); await Task.Delay(20, TestContext.Current.CancellationToken))
        {
            Assert.True(DateTime.UtcNow < deadline, "the daemons did not take their leadership");
        }

        var first = host.StopAsync(CancellationToken.None);
        await host.StopAsync(CancellationToken.None);

        // Before, the second stop returned at once, and whatever followed it (disposing the data source) raced the daemons.
        Assert.All(host.Daemons, daemon => Assert.False(daemon.IsLeader));
        await first;
    }
}
