using System.Text.Json;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Reports;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>
/// The whole lists dashboards open with are read before anyone asks: tomorrow's before midnight, and today's again as
/// soon as a rebuild swaps new tables in. Each test alters rows behind the projection once the list is warm: a request
/// that read the tables itself would see the alteration, one answered from the warm parts does not.
/// </summary>
public sealed class PartsWarmingTests(PartsWarmingTests.SettableClockApiFactory api) : IClassFixture<PartsWarmingTests.SettableClockApiFactory>
{
    private const string Actions = "/api/reports/actions-per-challenge";
    private const string Active = "/api/reports/active-partnerships";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_first_request_after_midnight_is_answered_from_lists_read_before()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using var noon = api.Clock.Set(today, new TimeOnly(12, 0));
        var client = new ApiClient(api.CreateClient());
        var (p, _) = await UnpagedReportTests.PlannedAsync(client);
        await client.PostAsync($"{p}/conventions", new
        {
            signedOn = today.AddYears(-1).ToString("O"), validFrom = today.AddYears(-1).ToString("O"), validTo = today.AddYears(2).ToString("O"), reason = "test",
        });
        await client.CaughtUpAsync("actions_per_challenge", "active_partnerships");

        using var beforeMidnight = api.Clock.Set(today, new TimeOnly(23, 55));
        var tomorrow = today.AddDays(1);
        await WarmAsync(client, tomorrow, api.Services.GetRequiredService<WholeList<ActionsPerChallengeRow>>());
        await WarmAsync(client, tomorrow, api.Services.GetRequiredService<WholeList<ActivePartnershipRow>>());
        await UnpagedReportTests.AbandonBehindTheProjectionAsync(api, p);
        await RetitleBehindTheProjectionAsync(p, "Retitled behind the projection");

        using var afterMidnight = api.Clock.Set(tomorrow, new TimeOnly(0, 0, 30));
        client = new ApiClient(api.CreateClient());
        var actions = UnpagedReportTests.RowsOf(await client.GetAsync(Actions));
        var active = await client.GetAsync(Active);

        Assert.Equal(2, UnpagedReportTests.Live(actions, p));
        Assert.Equal(0, UnpagedReportTests.Live(UnpagedReportTests.RowsOf(await client.GetAsync($"{Actions}?partnershipId={UnpagedReportTests.Id(p)}")), p));
        Assert.Equal(tomorrow.ToString("O"), active.GetProperty("asOf").GetString());
        Assert.Equal("Parts (test)", TitleOf(active, p));
        Assert.Equal("Retitled behind the projection", TitleOf(await client.GetAsync($"{Active}?knownAt={await ApiClient.InstantAsync()}"), p));
    }

    [Fact]
    public async Task After_a_rebuild_today_s_lists_are_read_again_before_anyone_asks()
    {
        // At noon, so that the day does not turn during the test.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using var noon = api.Clock.Set(today, new TimeOnly(12, 0));
        var client = new ApiClient(api.CreateClient());
        var (p, _) = await UnpagedReportTests.PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        var actions = api.Services.GetRequiredService<WholeList<ActionsPerChallengeRow>>();
        // Kept warm since the service started: the partnership may not be in it yet (a list is brought up to date once a minute).
        var before = await WarmAsync(null, today, actions);

        using var rebuild = await api.CreateClient().PostAsync(new Uri("/api/projections/actions_per_challenge/rebuild", UriKind.Relative), null, Cancel);
        await client.RebuiltAsync();
        await client.CaughtUpAsync("actions_per_challenge");
        var after = await WarmAsync(client, today, actions, before.Generation);
        await UnpagedReportTests.AbandonBehindTheProjectionAsync(api, p);

        Assert.NotEqual(before.Generation, after.Generation);
        Assert.Equal(2, UnpagedReportTests.Live(UnpagedReportTests.RowsOf(await client.GetAsync(Actions)), p));
    }

    /// <summary>The partnership's title changed in the active partnerships' read model itself, as no event says.</summary>
    private async Task RetitleBehindTheProjectionAsync(string partnership, string title)
    {
        Assert.True(await api.ExecuteAsync(
            "UPDATE active_partnerships.partnerships SET title = $2 WHERE partnership_id = $1", Guid.Parse(UnpagedReportTests.Id(partnership)), title) > 0);
    }

    private static string? TitleOf(JsonElement active, string partnership) =>
        active.GetProperty("partnerships").EnumerateArray().Single(a => a.GetProperty("id").GetString() == UnpagedReportTests.Id(partnership)).GetProperty("title").GetString();

    /// <summary>
    /// Waits until the list's request without a query on <paramref name="day"/> is kept warm, at the projection's
    /// position when <paramref name="client"/> is given, and from tables other than the generation <paramref name="replaced"/>.
    /// </summary>
    private async Task<KeptParts> WarmAsync<TRow>(ApiClient? client, DateOnly day, WholeList<TRow> list, long? replaced = null)
    {
        var position = client is null ? 0 : (await client.GetAsync("/api/projections")).GetProperty("projections").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == list.Projection).GetProperty("position").GetInt64();
        var parts = api.Services.GetRequiredService<PartnershipParts>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (parts.KeptFor(list, day) is not { } kept || kept.Checkpoint.Position < position || kept.Generation == replaced)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{list.Route} on {day} was not kept warm at {position}");
            await Task.Delay(50, Cancel);
        }

        return parts.KeptFor(list, day)!;
    }

    /// <summary>The service with a clock the tests set.</summary>
    public sealed class SettableClockApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
    {
        /// <summary>The service's clock.</summary>
        public SettableClock Clock { get; } = new();

        /// <inheritdoc />
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Tokens are issued on the real clock: their validation reads it (the service's clock is set hours ahead).
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock)
                .AddSingleton(provider => new TokenIssuer(provider.GetRequiredService<TokenSettings>(), TimeProvider.System)));
        }
    }

    /// <summary>The system's clock moved to an instant set, from which it runs on.</summary>
    public sealed class SettableClock : TimeProvider
    {
        private long _offsetTicks;

        /// <summary>Makes the clock read that time of that day (UTC) now; disposed, it reads the system's time again.</summary>
        public IDisposable Set(DateOnly day, TimeOnly time)
        {
            Interlocked.Exchange(ref _offsetTicks, (new DateTimeOffset(day.ToDateTime(time), TimeSpan.Zero) - System.GetUtcNow()).Ticks);
            return new Reset(this);
        }

        /// <inheritdoc />
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

        private sealed class Reset(SettableClock clock) : IDisposable
        {
            public void Dispose() => Interlocked.Exchange(ref clock._offsetTicks, 0);
        }
    }
}
