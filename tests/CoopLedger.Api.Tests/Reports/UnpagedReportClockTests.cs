using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>
/// A part is read as known after its partnership's last event, whatever the service's own clock says: a part read
/// short of it would never be read again (the projection does not move for it). A service clock an hour behind the
/// database's (on the same date) makes deterministic what happens when a refresh waits for its turn while a write commits.
/// </summary>
public sealed class UnpagedReportClockTests(UnpagedReportClockTests.LaggingClockApiFactory api) : IClassFixture<UnpagedReportClockTests.LaggingClockApiFactory>
{
    [Fact]
    public async Task A_change_recorded_after_the_service_s_now_is_read_into_its_part()
    {
        var client = new ApiClient(api.CreateClient());
        var (p, challenge) = await UnpagedReportTests.PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        Assert.Equal(2, UnpagedReportTests.Live(await UnpagedReportTests.UnpagedAsync(client, Today), p));

        await client.PostAsync($"{p}/actions", new { challengeId = challenge, title = "Échanges d'enseignants", reason = "test" });
        await client.CaughtUpAsync("actions_per_challenge");

        Assert.Equal(3, UnpagedReportTests.Live(await UnpagedReportTests.UnpagedAsync(client, Today), p));
    }

    private const string Today = "/api/reports/actions-per-challenge";

    /// <summary>The service with its clock an hour behind the database's.</summary>
    public sealed class LaggingClockApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
    {
        /// <inheritdoc />
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(new LaggingClock()));
        }
    }

    /// <summary>
    /// An hour behind, but never on the day before: the report's today is the service's date, and in the first hour of a
    /// UTC day the action added (on the database's date) would not be live yet on the service's, which the test is not
    /// about. The clock stays behind the database's all the same, at the day's start.
    /// </summary>
    private sealed class LaggingClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            var now = System.GetUtcNow();
            var behind = now.AddHours(-1);
            return behind.UtcDateTime.Date == now.UtcDateTime.Date ? behind : new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        }
    }
}
