using System.Diagnostics;
using System.Net;
using CoopLedger.EventStore.Hosting;
using CoopLedger.Resilience.Tests.Harness;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests;

/// <summary>SIGTERM under load, the service running its own embedded PostgreSQL, as on a developer's machine.</summary>
public sealed class GracefulShutdownTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SIGTERM_drains_in_flight_requests_then_stops_the_embedded_PostgreSQL()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("coopledger-shutdown-").FullName;
        try
        {
            using var deployment = new Deployment(null, dataDirectory);
            var service = await deployment.StartAsync("api");
            var serverPid = File.ReadLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).First();
            var subjects = Enumerable.Range(0, Scale.Clients).Select(i => $"officer-{i}").ToList();
            var load = new Load([.. subjects.Select(s => deployment.Client(service, s))], subjects,
                await Load.SeedAsync(deployment.Client(service, "seeder"), 20));
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(stop.Token);
            await Task.Delay(Scale.Load, Cancel);

            // A read waiting for a position no command has reached: in flight for its whole 5 s bound.
            var waiting = deployment.Client(service, "auditor").GetAsync(new Uri("/api/reports/funding-per-year?minPosition=999999999", UriKind.Relative), Cancel);
            // Long enough for the read to be in the service's hands on a loaded machine; its 5 s bound is far off.
            await Task.Delay(1500, Cancel);
            var clock = Stopwatch.StartNew();
            var exitCode = await service.TerminateAsync(TimeSpan.FromSeconds(60), Cancel);
            var exitedAfter = clock.Elapsed;
            var drained = await waiting;
            await stop.CancelAsync();
            await running;

            Assert.Equal(0, exitCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, drained.StatusCode);
            Assert.True(exitedAfter > TimeSpan.FromSeconds(2.5), $"the service exited {exitedAfter} after SIGTERM, before its in-flight read was answered");
            var outcomes = load.Outcomes.ToList();
            Assert.DoesNotContain(outcomes, o => o.Status >= 500);
            Assert.False(Processes.IsAlive(int.Parse(serverPid, System.Globalization.CultureInfo.InvariantCulture)), "the embedded PostgreSQL outlived the service");
            Report.Line($"SIGTERM under load: exit code 0 after {exitedAfter.TotalSeconds:F1} s, once the read in flight had its answer ({(int)drained.StatusCode} at its 5 s bound); "
                + $"{outcomes.Count(o => o.Acknowledged)} commands acknowledged, none 5xx; "
                + $"{outcomes.Count(o => o.Status is null)} unanswered (listener closed), none of them committed; the embedded PostgreSQL stopped with it");

            // A command whose answer never arrived (a connection refused, or a kept-alive connection closed as the
            // request was being sent) must not be in the ledger: none committed without its client hearing of it.
            await using var cluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = dataDirectory }, Cancel);
            var ledger = await LedgerChecks.VerifyAsync(cluster.ConnectionString, outcomes);
            Assert.Equal(0, ledger.UnansweredButWritten);
            Report.Line(ledger.Summary);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
