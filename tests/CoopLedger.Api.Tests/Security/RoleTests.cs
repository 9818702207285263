using System.Net;
using System.Net.Http.Json;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Security;

/// <summary>What each role may do, route family by route family, as the roles are defined for the ministry.</summary>
public sealed class RoleTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Officer = Roles.Officer, Auditor = Roles.Auditor, Dashboard = Roles.Dashboard, Admin = Roles.Admin;

    /// <summary>Each family with a concrete request, and the roles that get a 2xx; every other role gets 403.</summary>
    public static TheoryData<string, string, string, string[]> Families => new()
    {
        { "command", "POST", "{p}/challenges", [Officer] },
        { "registration", "POST", "/api/partnerships", [Officer] },
        { "state", "GET", "{p}", [Officer, Auditor] },
        { "plan", "GET", "{p}/plan", [Officer, Auditor] },
        { "history", "GET", "{p}/history", [Officer, Auditor] },
        { "export", "GET", "{p}/history?format=csv", [Officer, Auditor] },
        { "changes", "GET", "{p}/changes?from=2009-01-01", [Officer, Auditor] },
        { "list", "GET", "/api/partnerships", [Officer, Auditor, Dashboard] },
        { "report", "GET", "/api/reports/funding-per-year", [Officer, Auditor, Dashboard] },
        { "report", "GET", "/api/reports/active-partnerships", [Officer, Auditor, Dashboard] },
        { "report", "GET", "/api/reports/actions-per-challenge", [Officer, Auditor, Dashboard] },
        { "integrity", "GET", "{p}/integrity", [Auditor] },
        { "integrity", "GET", "/api/integrity", [Auditor] },
        { "status", "GET", "/api/projections", [Officer, Auditor, Dashboard, Admin] },
        { "rebuild", "POST", "/api/projections/funding_per_year/rebuild", [Admin] },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Each_role_gets_2xx_where_its_role_allows_and_403_elsewhere(string family, string method, string path, string[] allowed)
    {
        var partnership = await RegisterAsync();
        foreach (var role in Roles.All)
        {
            var before = await api.CountEventsAsync();
            var response = await SendAsync(api.CreateClient(Holder(role)), method, path.Replace("{p}", partnership, StringComparison.Ordinal));

            if (allowed.Contains(role))
            {
                Assert.True(response.IsSuccessStatusCode, $"{family} {method} {path} as {role}: {(int)response.StatusCode}");
            }
            else
            {
                await Problems.ReadAsync(response, HttpStatusCode.Forbidden);
                Assert.Equal(before, await api.CountEventsAsync());
            }
        }
    }

    [Fact]
    public async Task On_every_route_a_role_its_policy_does_not_admit_gets_403_and_writes_nothing_and_one_it_admits_passes()
    {
        var partnership = Guid.Parse((await RegisterAsync()).Split('/')[^1]);
        var routes = ServiceRoute.Of(api).Where(r => !r.Anonymous).ToList();
        foreach (var route in routes)
        {
            foreach (var role in Roles.All)
            {
                var before = await api.CountEventsAsync();
                var response = await SendAsync(api.CreateClient(Holder(role)), route.Method, route.Path(partnership));
                var status = (int)response.StatusCode;
                if (Policies.RolesOf[route.Policy!].Contains(role))
                {
                    Assert.True(status is not (401 or 403) and < 500, $"{route} as {role}: {status}");
                }
                else
                {
                    Assert.True(status == 403, $"{route} as {role}: {status}");
                    Assert.Equal(before, await api.CountEventsAsync());
                }
            }
        }
    }

    private async Task<string> RegisterAsync() =>
        $"/api/partnerships/{(await new ApiClient(api.CreateClient()).PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";

    /// <summary>A holder of one role; the officer acts for the authority the test partnerships register.</summary>
    private static TokenRequest Holder(string role) => role == Roles.Officer ? ApiFactory.Holder(role, "214202186") : ApiFactory.Holder(role);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = path == "/api/partnerships" ? JsonContent.Create(ApiClient.Registration()) : JsonContent.Create(new { title = "Défi" });
        }

        return client.SendAsync(request, Cancel);
    }
}
