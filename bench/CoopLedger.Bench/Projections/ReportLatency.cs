using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CoopLedger.Bench.Http;

namespace CoopLedger.Bench.Projections;

/// <summary>Times the report routes over HTTP, one request after another, as a dashboard loads them.</summary>
internal sealed class ReportLatency(string connectionString)
{
    private const int Requests = 300;
    private static readonly TimeSpan PerRoute = TimeSpan.FromSeconds(20);

    private static readonly string[] Routes =
    [
        "/api/reports/actions-per-challenge?partnershipId={id}",
        "/api/reports/actions-per-challenge?partnershipId={id}&asOf=2012-06-30",
        "/api/reports/funding-per-year?groupBy=country",
        "/api/reports/funding-per-year?from=2010&to=2012&groupBy=funderKind",
        "/api/reports/funding-per-year?groupBy=partnership&from=2015&to=2015",
        "/api/reports/active-partnerships?asOf=2012-06-30",
        "/api/reports/active-partnerships",
        "/api/reports/actions-per-challenge?limit=100",
        "/api/reports/actions-per-challenge?limit=100&asOf=2012-06-30",
        "/api/reports/actions-per-challenge",
        "/api/partnerships?country=TN&limit=100",
        "/api/partnerships?status=Active&asOf=2015-01-01&limit=100",
    ];

    /// <summary>The whole lists dashboards open with (kept in parts, and warm, by default).</summary>
    private static readonly string[] WholeLists = ["/api/reports/actions-per-challenge", "/api/reports/active-partnerships"];

    /// <summary>
    /// Times every route three times: each request running its query (answers not kept), as the service runs by default,
    /// and by default while an officer writes (<see cref="OfficerWrites"/>), so that answers are kept only between moves.
    /// </summary>
    public async Task RunAsync(TextWriter output)
    {
        foreach (var (keep, writing, title) in new[]
        {
            (false, false, "each request runs its query (Reports__KeepAnswers=false)"),
            (true, false, "answers kept while the projection has not moved (the default)"),
            (true, true, $"the default, while an officer writes {OfficerWrites.PerSecond} commands/s"),
        })
        {
            using var service = await ServiceProcess.StartAsync(connectionString, new Dictionary<string, string> { ["Reports__KeepAnswers"] = keep ? "true" : "false" });
            // What a dashboard opening first after a start waits for (the service ready and the projections caught up).
            var firsts = new List<string>();
            foreach (var whole in WholeLists)
            {
                var took = await service.TimeOnceAsync(whole);
                firsts.Add(string.Create(CultureInfo.InvariantCulture, $"`{whole}` {took.TotalMilliseconds:F1} ms"));
            }

            using var http = new LoadClient(service.Http.BaseAddress!, 1);
            await using var officer = writing ? await OfficerWrites.StartAsync(service, http) : null;
            var some = (await service.Http.GetFromJsonAsync<JsonElement>("/api/partnerships?limit=1")).GetProperty("partnerships")[0].GetProperty("id").GetString()!;
            output.WriteLine($"Report routes over HTTP (the service in its own process), {Requests} requests each (at most {PerRoute.TotalSeconds:F0} s), one at a time; {title}:");
            output.WriteLine($"First request after the start: {string.Join(", ", firsts)}.");
            output.WriteLine();
            output.WriteLine("| route | p50 ms | p99 ms | requests | answer bytes |");
            output.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var route in Routes.Select(r => r.Replace("{id}", some, StringComparison.Ordinal)))
            {
                var (latency, bytes) = await service.TimeAsync(route, Requests, PerRoute);
                output.WriteLine(ServiceProcess.Row(route, latency, bytes));
            }

            if (officer is not null)
            {
                var (written, refused, elapsed) = await officer.StopAsync();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Officer: {written:N0} commands answered 2xx, {refused:N0} otherwise, over {elapsed.TotalSeconds:F0} s ({written / elapsed.TotalSeconds:F1}/s)."));
            }

            output.WriteLine();
        }
    }
}
