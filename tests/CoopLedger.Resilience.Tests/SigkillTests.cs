using CoopLedger.Resilience.Tests.Harness;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests;

/// <summary>The API process killed with SIGKILL at a random moment under load, then restarted.</summary>
public sealed class SigkillTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task No_acknowledged_write_is_lost_or_doubled_and_the_read_models_equal_a_rebuild()
    {
        using var deployment = new Deployment(await cluster.CreateDatabaseAsync("sigkill", TestContext.Current.CancellationToken));
        var service = await deployment.StartAsync("api");
        var subjects = Enumerable.Range(0, Scale.Clients).Select(i => $"officer-{i}").ToList();
        var load = new Load([.. subjects.Select(s => deployment.Client(service, s))], subjects,
            await Load.SeedAsync(deployment.Client(service, "seeder"), 20));
        var random = new Random();

        for (var round = 1; round <= Scale.Rounds; round++)
        {
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            var killAfter = TimeSpan.FromMilliseconds(random.Next(500, (int)Scale.Load.TotalMilliseconds + 500));
            await Task.Delay(killAfter, TestContext.Current.CancellationToken);
            var before = load.Outcomes.Count(o => o.Acknowledged);
            service.Kill();
            Report.Line($"round {round}: SIGKILL after {killAfter.TotalSeconds:F1} s of load, {before} commands acknowledged so far");

            var port = service.Port;
            await Task.Delay(300, TestContext.Current.CancellationToken);
            service = await deployment.StartAsync("api", port);
            await Task.Delay(Scale.Load / 2, TestContext.Current.CancellationToken);
            await stop.CancelAsync();
            await running;
            Assert.True(load.Outcomes.Count(o => o.Acknowledged) > before, "no command was acknowledged after the restart");
        }

        Assert.DoesNotContain(load.Outcomes, o => o.Status >= 500);
        Report.Line((await LedgerChecks.VerifyAsync(deployment.ConnectionString, load.Outcomes)).Summary);
        Report.Line(await ProjectionChecks.EqualToRebuildAsync(deployment.Client(service, "operator"), deployment.ConnectionString));
    }
}
