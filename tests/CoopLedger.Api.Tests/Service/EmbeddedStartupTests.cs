using System.Globalization;
using CoopLedger.Testing;

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
        using var service = await ServiceProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__CoopLedger"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["EmbeddedPostgres__DataDirectory"] = dataDirectory,
        }, cancellationToken: Cancel);
        var serverPid = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30), Cancel));
        return (service.Output, serverPid);
    }
}
