using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Net.Http.Headers;
using CoopLedger.Api.Security;

namespace CoopLedger.Bench;

/// <summary>The real service in its own process (Kestrel, over the benchmark's database), and request timing against it.</summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, HttpClient http, TokenIssuer tokens) => (_process, Http, Tokens) = (process, http, tokens);

    public HttpClient Http { get; }

    /// <summary>The service's process, for tools that attach to its runtime.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Measures the CPU the service and PostgreSQL spend.</summary>
    public CpuMeter Cpu => new(_process);

    /// <summary>Signs tokens with this run's key, for benchmarks that act as several clients (officers, dashboards).</summary>
    public TokenIssuer Tokens { get; }

    /// <param name="connectionString">The benchmark's database.</param>
    /// <param name="environment">Further settings (<c>Section__Key</c>), e.g. rate limits raised for a load benchmark.</param>
    public static async Task<ServiceProcess> StartAsync(string connectionString, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        // A key of this run's own, so that the benchmark can sign its clients' tokens.
        var signingKey = TokenSettings.NewKey();
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
                ["Authentication__SigningKey"] = signingKey,
            },
        };
        foreach (var variable in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SERVICE_", StringComparison.Ordinal)))
        {
            start.Environment[variable["SERVICE_".Length..]] = Environment.GetEnvironmentVariable(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the service");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var issuer = new TokenIssuer(TokenSettings.ForSigningKey(signingKey), TimeProvider.System);
        // The benchmark reads as a dashboard and an auditor would; status is open to both.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            issuer.Issue(new TokenRequest("bench", [Roles.Dashboard, Roles.Auditor], [], TimeSpan.FromHours(12))));
        var service = new ServiceProcess(process, http, issuer);
        await service.ReadyAsync();
        await service.CaughtUpAsync();
        return service;
    }

    /// <summary>Waits until every projection has applied the log: their catching up would otherwise share the CPU with the timings.</summary>
    public async Task CaughtUpAsync()
    {
        while ((await Http.GetFromJsonAsync<JsonElement>("/api/projections")).GetProperty("projections").EnumerateArray()
            .Any(p => p.GetProperty("lag").GetInt64() > 0 || p.GetProperty("rebuildRequestedAt").ValueKind != JsonValueKind.Null))
        {
            await Task.Delay(500);
        }
    }

    /// <summary>Requests a route one request after another (after 20 warm-up requests) and records the latencies.</summary>
    public async Task<(LatencyRecorder Latency, int Bytes)> TimeAsync(string route, int requests, TimeSpan atMost)
    {
        var latency = new LatencyRecorder();
        var bytes = 0;
        // The answer is read as it comes into one buffer, not gathered whole: gathering megabytes on every request
        // made this process collect its large-object heap, and its pauses showed as the service's slowest answers.
        var buffer = new byte[64 * 1024];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests + 20 && clock.Elapsed < atMost; i++)
        {
            var started = Stopwatch.GetTimestamp();
            bytes = await RequestAsync(route, buffer);
            if (i >= 20)
            {
                latency.Record(started);
            }
        }

        return (latency, bytes);
    }

    /// <summary>How long one request of a route takes, its answer read to the end.</summary>
    public async Task<TimeSpan> TimeOnceAsync(string route)
    {
        var started = Stopwatch.GetTimestamp();
        await RequestAsync(route, new byte[64 * 1024]);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Requests a route and reads its answer through <paramref name="buffer"/>; its length.</summary>
    private async Task<int> RequestAsync(string route, byte[] buffer)
    {
        using var response = await Http.GetAsync(new Uri(route, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        var length = 0;
        for (int read; (read = await body.ReadAsync(buffer)) > 0;)
        {
            length += read;
        }

        return length;
    }

    public static string Row(string route, LatencyRecorder latency, int bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"| `{route}` | {latency.Percentile(0.5):F2} | {latency.Percentile(0.99):F2} | {latency.Count} | {bytes:N0} |");

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        Http.Dispose();
    }

    private async Task ReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
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
