using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace CoopLedger.Bench.Projections;

/// <summary>
/// Starts the real service (its own process, Kestrel, the same database) and times the report routes one request
/// after another, as a dashboard loads them.
/// </summary>
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

    public async Task RunAsync(TextWriter output)
    {
        var port = FreePort();
        using var service = StartService(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await ReadyAsync(http, service);
        var some = (await http.GetFromJsonAsync<JsonElement>("/api/partnerships?limit=1")).GetProperty("partnerships")[0].GetProperty("id").GetString();
        output.WriteLine($"Report routes over HTTP (the service in its own process), {Requests} requests each (at most {PerRoute.TotalSeconds:F0} s), one at a time:");
        output.WriteLine("| route | p50 ms | p99 ms | requests | answer bytes |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var route in Routes.Select(r => r.Replace("{id}", some, StringComparison.Ordinal)))
        {
            var latency = new LatencyRecorder();
            var bytes = 0;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Requests + 20 && clock.Elapsed < PerRoute; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(new Uri(route, UriKind.Relative));
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{route}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                }

                if (i >= 20)
                {
                    latency.Record(started);
                }

                bytes = body.Length;
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{route}` | {latency.Percentile(0.5):F2} | {latency.Percentile(0.99):F2} | {latency.Count} | {bytes:N0} |"));
        }

        service.Kill(entireProcessTree: true);
        await service.WaitForExitAsync();
    }

    private Process StartService(int port)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "CoopLedger.Api.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__CoopLedger"] = connectionString,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task ReadyAsync(HttpClient http, Process service)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (service.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {service.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the service did not become ready");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
