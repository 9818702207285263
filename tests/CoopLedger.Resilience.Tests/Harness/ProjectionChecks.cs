using System.Net.Http.Json;
using System.Text.Json;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>The read models after the storm: caught up, running, and equal to a fresh rebuild, row for row.</summary>
internal static class ProjectionChecks
{
    public static async Task<string> EqualToRebuildAsync(HttpClient admin, string connectionString)
    {
        await CaughtUpAsync(admin, TimeSpan.FromSeconds(60));
        var live = await ReadModelChecksums.OfAsync(connectionString, TestContext.Current.CancellationToken);
        foreach (var name in ReadModelChecksums.Schemas)
        {
            (await admin.PostAsync(new Uri($"/api/projections/{name}/rebuild", UriKind.Relative), null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        await CaughtUpAsync(admin, TimeSpan.FromSeconds(120));
        var rebuilt = await ReadModelChecksums.OfAsync(connectionString, TestContext.Current.CancellationToken);
        Assert.Equal(live, rebuilt);
        return $"every projection caught up and running; its {live.Count} tables equal a fresh rebuild row for row ({string.Join(", ", live.Select(t => $"{t.Key} {t.Value.Split(':')[0]} rows"))})";
    }

    /// <summary>Waits until every projection runs with no lag and no rebuild pending.</summary>
    public static async Task<TimeSpan> CaughtUpAsync(HttpClient client, TimeSpan atMost)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var projections = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/projections", UriKind.Relative), TestContext.Current.CancellationToken))
                    .GetProperty("projections").EnumerateArray().ToList();
                if (projections.Count > 0 && projections.All(p => p.GetProperty("lag").GetInt64() == 0
                    && p.GetProperty("status").GetString() == "running" && p.GetProperty("rebuildRequestedAt").ValueKind == JsonValueKind.Null))
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // The instance is restarting.
            }

            Assert.True(clock.Elapsed < atMost, $"the projections did not catch up within {atMost.TotalSeconds} s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
