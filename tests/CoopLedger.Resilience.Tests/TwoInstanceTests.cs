using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoopLedger.Resilience.Tests.Harness;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.Resilience.Tests;

/// <summary>Two API processes on one database, clients going through both.</summary>
public sealed class TwoInstanceTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Conflicts_are_never_lost_each_projection_has_one_leader_and_the_survivor_takes_over()
    {
        using var deployment = new Deployment(await cluster.CreateDatabaseAsync("two", Cancel));
        var a = await deployment.StartAsync("api-a");
        var b = await deployment.StartAsync("api-b");
        var leaders = await Leadership.SettledAsync(deployment.ConnectionString, TimeSpan.FromSeconds(20));
        Report.Line($"leadership: {string.Join(", ", leaders.Select(l => $"{l.Key} by {l.Value}"))}; never two holders at once");

        using var watching = new CancellationTokenSource();
        var watcher = WatchLeadershipAsync(deployment.ConnectionString, watching.Token);
        var (successes, conflicts, version) = await RaceWithIfMatchAsync(deployment, a, b);
        await watching.CancelAsync();
        var polls = await watcher;
        Report.Line($"{successes.Count + conflicts.Count} conditional commands through both instances on one partnership: {successes.Count} succeeded "
            + $"(versions 2..{version}, each once), {conflicts.Count} answered 412 and wrote nothing; no other answer; "
            + $"{polls} polls of the leadership locks meanwhile, never two holders of one projection");

        var victim = leaders["funding_per_year"] == "api-a" ? a : b;
        var survivor = victim == a ? b : a;
        var survivorName = survivor == a ? "api-a" : "api-b";
        victim.Kill();
        var clock = Stopwatch.StartNew();
        var officer = deployment.Client(survivor, "officer-after");
        var partnership = (await Load.SeedAsync(officer, 1))[0];
        (await officer.PostAsJsonAsync(new Uri($"/api/partnerships/{partnership}/challenges", UriKind.Relative), new { title = "Après" }, Cancel)).EnsureSuccessStatusCode();
        await Leadership.SettledAsync(deployment.ConnectionString, TimeSpan.FromSeconds(15), survivorName);
        var tookOver = clock.Elapsed;
        await ProjectionChecks.CaughtUpAsync(officer, TimeSpan.FromSeconds(30));
        Report.Line($"leader killed with SIGKILL: {survivorName} led every projection after {tookOver.TotalSeconds:F1} s and caught up after {clock.Elapsed.TotalSeconds:F1} s");
        Report.Line(await ProjectionChecks.EqualToRebuildAsync(deployment.Client(survivor, "operator"), deployment.ConnectionString));
    }

    /// <summary>Polls the leadership locks until cancelled; fails on a projection with two leaders.</summary>
    private static async Task<int> WatchLeadershipAsync(string connectionString, CancellationToken stop)
    {
        var polls = 0;
        while (!stop.IsCancellationRequested)
        {
            var holders = await Leadership.HoldersAsync(connectionString);
            Assert.All(holders, h => Assert.True(h.Value.Count <= 1, $"{h.Key} is led by {string.Join(" and ", h.Value)}"));
            polls++;
            await Task.Delay(100, CancellationToken.None);
        }

        return polls;
    }

    /// <summary>Clients read the version through one instance and write with If-Match through the other.</summary>
    private static async Task<(List<long> Successes, List<string> Conflicts, long Version)> RaceWithIfMatchAsync(Deployment deployment, ServiceProcess a, ServiceProcess b)
    {
        var partnership = (await Load.SeedAsync(deployment.Client(a, "registrar"), 1))[0];
        var successes = new ConcurrentBag<long>();
        var conflicts = new ConcurrentBag<string>();
        var others = new ConcurrentBag<string>();
        var deadline = DateTime.UtcNow + Scale.Load;
        await Task.WhenAll(Enumerable.Range(0, Scale.Clients).Select(i => Task.Run(async () =>
        {
            var reader = deployment.Client(i % 2 == 0 ? a : b, $"officer-{i}");
            var writer = deployment.Client(i % 2 == 0 ? b : a, $"officer-{i}");
            while (DateTime.UtcNow < deadline)
            {
                using var read = await reader.GetAsync(new Uri($"/api/partnerships/{partnership}", UriKind.Relative), Cancel);
                var etag = read.Headers.ETag!.Tag;
                var key = Guid.NewGuid().ToString();
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/partnerships/{partnership}/challenges", UriKind.Relative))
                {
                    Content = JsonContent.Create(new { title = $"Défi {key}" }),
                };
                request.Headers.TryAddWithoutValidation("If-Match", etag);
                request.Headers.Add("Idempotency-Key", key);
                using var response = await writer.SendAsync(request, Cancel);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        successes.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("version").GetInt64());
                        break;
                    case HttpStatusCode.PreconditionFailed:
                        conflicts.Add($"officer-{i}\n{key}");
                        break;
                    default:
                        others.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
                        break;
                }
            }
        }, Cancel)));

        Assert.Empty(others);
        await using var dataSource = NpgsqlDataSource.Create(deployment.ConnectionString);
        await using var version = dataSource.CreateCommand("SELECT version FROM ledger.streams WHERE stream_id = $1");
        version.Parameters.Add(new() { Value = partnership });
        var final = (long)(await version.ExecuteScalarAsync(Cancel))!;
        await using var written = dataSource.CreateCommand("SELECT count(*) FROM ledger.events WHERE idempotency_key = ANY($1)");
        written.Parameters.Add(new() { Value = conflicts.ToArray() });
        Assert.Equal(0L, (long)(await written.ExecuteScalarAsync(Cancel))!);
        Assert.Equal(Enumerable.Range(2, (int)final - 1).Select(v => (long)v), successes.Order());
        Assert.NotEmpty(conflicts);
        return ([.. successes], [.. conflicts], final);
    }
}
