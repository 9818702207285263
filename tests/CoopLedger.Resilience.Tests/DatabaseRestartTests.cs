using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using CoopLedger.Resilience.Tests.Harness;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests;

/// <summary>PostgreSQL restarted under load, the API left running (its own cluster: the restart cuts every session).</summary>
public sealed class DatabaseRestartTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task During_the_outage_the_API_answers_503_with_Retry_After_and_after_it_recovers_by_itself()
    {
        using var deployment = new Deployment(await cluster.CreateDatabaseAsync("restart", TestContext.Current.CancellationToken));
        var service = await deployment.StartAsync("api");
        var subjects = Enumerable.Range(0, Scale.Clients).Select(i => $"officer-{i}").ToList();
        var load = new Load([.. subjects.Select(s => deployment.Client(service, s))], subjects,
            await Load.SeedAsync(deployment.Client(service, "seeder"), 20));
        using var probe = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var readiness = new ConcurrentQueue<(TimeSpan At, HttpStatusCode? Status)>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var probing = ProbeReadinessAsync(probe, readiness, clock, stop.Token);

        for (var round = 1; round <= Scale.Rounds; round++)
        {
            await Task.Delay(Scale.Load / 2, TestContext.Current.CancellationToken);
            var down = clock.Elapsed;
            await cluster.Server.RestartAsync(Outage, TestContext.Current.CancellationToken);
            Report.Line($"round {round}: PostgreSQL stopped at {down.TotalSeconds:F1} s, back at {clock.Elapsed.TotalSeconds:F1} s");
        }

        var afterwards = load.Outcomes.Count;
        await Task.Delay(Scale.Load, TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(running, probing);

        var outcomes = load.Outcomes.ToList();
        var errors = outcomes.Where(o => o.Status is not null && !o.Acknowledged).ToList();
        // A command answered 503 may still have committed (the database went away between its commit and the
        // answer): the ledger check below allows that, at most once.
        Assert.All(errors, o => Assert.True(o.Status == 503 && o.RetryAfter && o.MediaType == "application/problem+json",
            $"{o.Status} {o.MediaType} retry-after={o.RetryAfter}: {o.Failure}"));
        Assert.DoesNotContain(outcomes, o => o.Status is null);
        Assert.True(outcomes.Max(o => o.Took) < TimeSpan.FromSeconds(30), $"a request took {outcomes.Max(o => o.Took)}");
        Assert.Contains(outcomes.Skip(afterwards), o => o.Acknowledged);
        Assert.NotEmpty(errors);
        Assert.Contains(readiness, r => r.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, readiness.Last().Status);
        Report.Line($"{outcomes.Count} commands: {outcomes.Count(o => o.Acknowledged)} acknowledged, {errors.Count} answered 503 with Retry-After "
            + $"(problem details), none 500, none unanswered; slowest answer {outcomes.Max(o => o.Took).TotalMilliseconds:F0} ms");
        var red = readiness.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Report.Line($"/health/ready: {red.Count} of {readiness.Count} probes not ready, from {red.First().At.TotalSeconds:F1} s to {red.Last().At.TotalSeconds:F1} s; ready again after");
        Report.Line((await LedgerChecks.VerifyAsync(deployment.ConnectionString, outcomes)).Summary);
        await ProjectionChecks.CaughtUpAsync(deployment.Client(service, "operator"), TimeSpan.FromSeconds(60));
        Assert.False(service.HasExited);
        Report.Line("the projection daemons resumed and caught up on their own; the API process was never restarted");
        Report.Line(await ProjectionChecks.EqualToRebuildAsync(deployment.Client(service, "operator"), deployment.ConnectionString));
    }

    [Fact]
    public async Task A_service_started_while_the_database_is_down_waits_for_it_then_serves()
    {
        var connectionString = await cluster.CreateDatabaseAsync("late", TestContext.Current.CancellationToken);
        await cluster.Server.PauseAsync();
        var resumed = false;
        try
        {
            using var deployment = new Deployment(connectionString);
            var service = deployment.Launch("api");
            // Waited for by what it writes, not for a fixed time: on a loaded machine the process may take longer than
            // the outage to reach its first connection, and would then never have had to wait.
            await service.WaitForOutputAsync("Waiting for the database", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            await Task.Delay(Outage, TestContext.Current.CancellationToken);
            Assert.False(service.HasExited, "the service gave up while its database was down");
            Assert.False(await service.IsReadyAsync(TestContext.Current.CancellationToken), "the service was ready while its database was down");

            await cluster.Server.ResumeAsync(TestContext.Current.CancellationToken);
            resumed = true;
            await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
            var seeded = await Load.SeedAsync(deployment.Client(service, "officer"), 1);

            Report.Line($"started with PostgreSQL down: it waited (logging why) instead of exiting, was ready once the database came back, and took a command ({seeded[0]})");
        }
        finally
        {
            if (!resumed)
            {
                await cluster.Server.ResumeAsync(TestContext.Current.CancellationToken);
            }
        }
    }

    private static async Task ProbeReadinessAsync(HttpClient probe, ConcurrentQueue<(TimeSpan, HttpStatusCode?)> readiness, Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative), CancellationToken.None);
                readiness.Enqueue((clock.Elapsed, response.StatusCode));
            }
            catch (HttpRequestException)
            {
                readiness.Enqueue((clock.Elapsed, null));
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }
}
