using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Security;

/// <summary>Per-token write rate limiting and request timeouts.</summary>
public sealed class LimitTests(LimitedApiFactory api) : IClassFixture<LimitedApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commands_beyond_a_tokens_burst_get_429_with_Retry_After_and_write_nothing_while_other_tokens_go_on()
    {
        // Warm, with a token of its own: a fresh host's first registrations (compilation, first connections) can outlast
        // the 1 s request time on a loaded machine (CI runs the test assemblies side by side on two cores), and a 504 is
        // not what this test is about: the warm-up tries again until one registration goes through within the time.
        var warmUp = api.CreateClient(new TokenRequest("warm-up-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var warmed = HttpStatusCode.GatewayTimeout;
        for (var attempt = 0; attempt < 5 && warmed == HttpStatusCode.GatewayTimeout; attempt++)
        {
            warmed = (await warmUp.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration("Échauffement"), Cancel)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, warmed);
        var hasty = api.CreateClient(new TokenRequest("hasty-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var before = await api.CountEventsAsync();
        var clock = Stopwatch.StartNew();

        // Twelve at once against a burst of 3 refilled at 1/s: however slow the machine, most must wait their turn.
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            hasty.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration($"Essai {i}"), Cancel)));
        var elapsed = clock.Elapsed;

        var created = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(answers.Length, created + refused.Count);
        Assert.InRange(created, 3, 3 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.NotEmpty(refused);
        foreach (var answer in refused)
        {
            await Problems.ReadAsync(answer, HttpStatusCode.TooManyRequests);
            Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), answer.Headers.RetryAfter?.ToString());
        }

        Assert.Equal(before + created, await api.CountEventsAsync());
        var patient = api.CreateClient(new TokenRequest("patient-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var other = await patient.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration("Autre agent"), Cancel);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => hasty.GetAsync(new Uri("/api/partnerships", UriKind.Relative), Cancel)));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task A_request_that_outlasts_its_time_is_cut_with_a_504_problem()
    {
        var client = api.CreateClient();
        // Started and warm: the host's start and the first requests' compilation are not the request's time.
        await client.GetAsync(new Uri("/api/reports/funding-per-year", UriKind.Relative), Cancel);
        var clock = Stopwatch.StartNew();

        // Waiting for a position no command has reached would take the read-your-writes bound (5 s); the request's 1 s comes first.
        var response = await client.GetAsync(new Uri("/api/reports/funding-per-year?minPosition=999999999", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4.5), $"answered after {clock.Elapsed}");
    }
}
