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
        var hasty = api.CreateClient(new TokenRequest("hasty-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await hasty.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration($"Essai {i}"), Cancel));
        }

        var before = await api.CountEventsAsync();
        var refused = await hasty.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration("De trop"), Cancel);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        await Problems.ReadAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.ToString());
        Assert.Equal(before, await api.CountEventsAsync());

        var patient = api.CreateClient(new TokenRequest("patient-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var other = await patient.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration("Autre agent"), Cancel);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        var reads = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => hasty.GetAsync(new Uri("/api/partnerships", UriKind.Relative), Cancel)));
        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task A_request_that_outlasts_its_time_is_cut_with_a_504_problem()
    {
        var clock = Stopwatch.StartNew();

        // Waiting for a position no command has reached would take the read-your-writes bound (5 s); the request's 1 s comes first.
        var response = await api.CreateClient().GetAsync(new Uri("/api/reports/funding-per-year?minPosition=999999999", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4.5), $"answered after {clock.Elapsed}");
    }
}
