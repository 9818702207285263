using CoopLedger.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoopLedger.Api.Tests.Service;

/// <summary>
/// The service as a newcomer runs it: its own process, no connection string. It must start its own PostgreSQL,
/// become ready, stop it on SIGTERM, and find the same data on the next run.
/// </summary>
public sealed class EmbeddedStartupTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_a_connection_string_the_service_runs_its_own_PostgreSQL_and_stops_it_on_SIGTERM()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"coopledger-run-{Guid.NewGuid():N}");
        try
        {
            var first = await RunUntilReadyThenTerminateAsync(dataDirectory);
            Assert.Contains("Applied migration ledger 1", first.Output, StringComparison.Ordinal);
            Assert.Contains("embedded database Host=127.0.0.1", first.Output, StringComparison.Ordinal);
            Assert.False(Processes.IsAlive(first.ServerPid), "the embedded PostgreSQL outlived the service");

            var second = await RunUntilReadyThenTerminateAsync(dataDirectory);
            Assert.DoesNotContain("Applied migration", second.Output, StringComparison.Ordinal);
            Assert.False(Processes.IsAlive(second.ServerPid), "the embedded PostgreSQL outlived the service");
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<(string Output, int ServerPid)> RunUntilReadyThenTerminateAsync(string dataDirectory)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "CoopLedger.Api.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ConnectionStrings__CoopLedger");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["EmbeddedPostgres__DataDirectory"] = dataDirectory;

        using var service = Process.Start(start)!;
        var output = new StringBuilder();
        service.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        service.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            await WaitUntilReadyAsync(port, service, output);
            var serverPid = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

            using (var terminate = Process.Start("kill", ["-TERM", service.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await terminate.WaitForExitAsync(Cancel);
            }

            using var exit = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            exit.CancelAfter(TimeSpan.FromSeconds(30));
            await service.WaitForExitAsync(exit.Token);
            Assert.Equal(0, service.ExitCode);
            lock (output)
            {
                return (output.ToString(), serverPid);
            }
        }
        finally
        {
            if (!service.HasExited)
            {
                service.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilReadyAsync(int port, Process service, StringBuilder output)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !service.HasExited)
        {
            try
            {
                var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, Cancel);
        }

        lock (output)
        {
            Assert.Fail($"The service was not ready within 60 s:{Environment.NewLine}{output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
