using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CoopLedger.Api.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Tests.Security;

/// <summary>Without a valid token, nothing but health and the contract answers.</summary>
public sealed class AuthenticationTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_route_without_a_token_answers_401_except_health_and_the_contract()
    {
        var routes = ServiceRoutes();
        var before = await api.CountEventsAsync();

        foreach (var route in routes.Where(r => !r.Anonymous))
        {
            var response = await SendAsync(api.CreateClient(holder: null), route);
            var problem = await Problems.ReadAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Contains("token", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(["GET /health/live", "GET /health/ready", "GET /openapi/{documentName}.json"],
            routes.Where(r => r.Anonymous).Select(r => r.ToString()));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Every_route_declares_the_policy_of_its_family()
    {
        Assert.All(ServiceRoutes().Where(r => !r.Anonymous), route =>
            Assert.True(route.Policy is not null && Policies.RolesOf.ContainsKey(route.Policy), $"{route} declares no known policy"));
        var swagger = await api.CreateClient(holder: null).GetAsync(new Uri("/swagger/index.html", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
    }

    public static TheoryData<string> InvalidTokens => ["expired", "wrong-key", "wrong-audience", "wrong-issuer", "unsigned", "garbage"];

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task An_invalid_token_is_a_401_and_writes_nothing(string kind)
    {
        var before = await api.CountEventsAsync();
        using var client = api.CreateClient(holder: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Forge(kind));

        var response = await client.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Partnerships.ApiClient.Registration(), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_valid_token_without_a_subject_is_refused_with_403_not_a_failure()
    {
        var key = new SymmetricSecurityKey(Convert.FromBase64String(api.SigningKey));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "coopledger",
            Audience = "coopledger-api",
            Claims = new Dictionary<string, object> { ["role"] = Roles.Officer, ["siren"] = ApiFactory.TestAuthorities[0] },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        using var client = api.CreateClient(holder: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var before = await api.CountEventsAsync();

        var response = await client.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Partnerships.ApiClient.Registration(), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task The_contract_documents_the_bearer_scheme_and_the_roles_of_each_operation()
    {
        var document = await api.CreateClient(holder: null).GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative), Cancel);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("JWT", scheme.GetProperty("bearerFormat").GetString());
        var register = document.GetProperty("paths").GetProperty("/api/partnerships").GetProperty("post");
        Assert.True(register.GetProperty("security")[0].TryGetProperty("bearer", out _));
        Assert.Contains("Roles: officer.", register.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(register.GetProperty("responses").TryGetProperty("403", out _));
        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject())
            .Where(operation => operation.Name is "get" or "post" or "put" or "patch" or "delete").ToList();
        Assert.All(operations, operation => Assert.True(operation.Value.TryGetProperty("security", out _), operation.Name));
    }

    private IReadOnlyList<ServiceRoute> ServiceRoutes()
    {
        // The routes exist once the host has started; a client starts it.
        using var client = api.CreateClient();
        return ServiceRoute.Of(api);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, ServiceRoute route)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(route.Path(), UriKind.Relative));
        if (route.Method == "POST")
        {
            request.Content = JsonContent.Create(new { title = "x" });
        }

        return client.SendAsync(request, Cancel);
    }

    /// <summary>Tokens this service must refuse, each wrong in one way.</summary>
    private string Forge(string kind)
    {
        var good = new TokenRequest("forger", [Roles.Officer], ApiFactory.TestAuthorities, TimeSpan.FromHours(1));
        var key = new SymmetricSecurityKey(Convert.FromBase64String(api.SigningKey));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "coopledger",
            Audience = "coopledger-api",
            Claims = new Dictionary<string, object> { ["sub"] = good.Subject, ["role"] = Roles.Officer, ["siren"] = ApiFactory.TestAuthorities[0] },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        };
        switch (kind)
        {
            case "expired":
                descriptor.NotBefore = DateTime.UtcNow.AddHours(-3);
                descriptor.IssuedAt = DateTime.UtcNow.AddHours(-3);
                descriptor.Expires = DateTime.UtcNow.AddHours(-2);
                break;
            case "wrong-key":
                descriptor.SigningCredentials = new SigningCredentials(
                    new SymmetricSecurityKey(Convert.FromBase64String(TokenSettings.NewKey())), SecurityAlgorithms.HmacSha256);
                break;
            case "wrong-audience":
                descriptor.Audience = "someone-else";
                break;
            case "wrong-issuer":
                descriptor.Issuer = "https://attacker.example";
                break;
            case "unsigned":
                descriptor.SigningCredentials = null;
                break;
            default:
                return "not.a.token";
        }

        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
