using System.Net;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;
using FsCheck;
using FsCheck.Fluent;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>
/// Thousands of generated hostile requests against every command route, as an officer of the partnership: every
/// answer is a 4xx problem, never a 5xx, and the ledger holds exactly the events it held before.
/// </summary>
public sealed class CommandFuzzTests(FuzzApiFactory api) : IClassFixture<FuzzApiFactory>
{
    private const int Requests = 2500;

    [Fact]
    public async Task Hostile_requests_to_every_command_route_get_4xx_problems_and_change_nothing()
    {
        var officer = api.CreateClient(new TokenRequest("fuzzing-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1)));
        var partnership = Guid.Parse((await new ApiClient(officer).PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()!);
        var commandRoutes = ServiceRoute.Of(api).Where(r => r.Policy == Policies.Write).Select(r => r.Pattern).ToHashSet();
        Assert.Equal(commandRoutes.Order(StringComparer.Ordinal), CommandTemplate.All.Select(t => t.Pattern).Order(StringComparer.Ordinal));
        var before = await api.CountEventsAsync();
        var sent = 0;
        var perRoute = new Dictionary<string, int>();

        var property = Prop.ForAll(HostileRequests.Arbitrary(CommandTemplate.All), request =>
        {
            // FsCheck runs properties synchronously; the request runs on the thread pool, away from any test context.
            var (status, mediaType, body) = Task.Run(() => SendAsync(officer, request.Draft(partnership))).GetAwaiter().GetResult();
            sent++;
            perRoute[request.Template.Pattern] = perRoute.GetValueOrDefault(request.Template.Pattern) + 1;
            return (status is >= 400 and < 500 && mediaType == "application/problem+json")
                .Label($"{request} answered {status} {mediaType}: {(body.Length > 300 ? body[..300] : body)}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Requests).WithQuietOnSuccess(true), property);

        Assert.True(sent >= 2000, $"only {sent} requests were sent");
        Assert.All(CommandTemplate.All, t => Assert.True(perRoute.GetValueOrDefault(t.Pattern) >= 20, $"{t.Pattern}: {perRoute.GetValueOrDefault(t.Pattern)} requests"));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    private static async Task<(int Status, string? MediaType, string Body)> SendAsync(HttpClient client, RequestDraft draft)
    {
        using var request = draft.ToRequest();
        using var response = await client.SendAsync(request, CancellationToken.None);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(CancellationToken.None));
    }
}
