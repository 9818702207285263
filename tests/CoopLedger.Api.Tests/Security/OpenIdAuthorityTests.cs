using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using CoopLedger.Api.Security;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Tests.Security;

/// <summary>
/// The service configured with an OpenID Connect authority instead of a local key: a small authority of the test's
/// own serves its discovery document and keys over HTTP on the loopback, as a production identity provider would.
/// </summary>
public sealed class OpenIdAuthorityApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    private static readonly string[] SigningAlgorithms = ["RS256"];
    private readonly RSA _rsa = RSA.Create(2048);
    private WebApplication? _authority;

    /// <summary>The authority's address, its issuer.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>The authority's signing key.</summary>
    public RsaSecurityKey Key => new(_rsa) { KeyId = "authority-key-1" };

    /// <inheritdoc />
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _authority = builder.Build();
        _authority.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["jwks_uri"] = $"{Authority}/keys",
            ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
        }));
        _authority.MapGet("/keys", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "authority-key-1" });
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        });
        await _authority.StartAsync();
        Authority = _authority.Urls.Single();
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_authority is not null)
        {
            await _authority.DisposeAsync();
        }

        _rsa.Dispose();
        await base.DisposeAsync();
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Authentication:Authority", Authority);
        builder.UseSetting("Authentication:RequireHttpsMetadata", "false");
        builder.UseSetting("Authentication:RoleClaim", "roles");
    }

    /// <summary>No default token: this service signs none, the authority does.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
    }
}

public sealed class OpenIdAuthorityTests(OpenIdAuthorityApiFactory api) : IClassFixture<OpenIdAuthorityApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_from_the_configured_authority_is_accepted_with_its_roles()
    {
        var response = await GetIntegrityAsync(Token(api.Authority, api.Key, SecurityAlgorithms.RsaSha256, "auditor"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forbidden = await GetIntegrityAsync(Token(api.Authority, api.Key, SecurityAlgorithms.RsaSha256, "dashboard"));
        await Problems.ReadAsync(forbidden, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tokens_the_authority_did_not_sign_or_issue_are_refused()
    {
        using var stranger = RSA.Create(2048);
        var locallySigned = Token(api.Authority, new SymmetricSecurityKey(Convert.FromBase64String(api.SigningKey)), SecurityAlgorithms.HmacSha256, "auditor");
        var otherKey = Token(api.Authority, new RsaSecurityKey(stranger) { KeyId = "authority-key-1" }, SecurityAlgorithms.RsaSha256, "auditor");
        var otherIssuer = Token("http://127.0.0.1:1", api.Key, SecurityAlgorithms.RsaSha256, "auditor");

        foreach (var token in new[] { locallySigned, otherKey, otherIssuer })
        {
            await Problems.ReadAsync(await GetIntegrityAsync(token), HttpStatusCode.Unauthorized);
        }

        Assert.Throws<InvalidOperationException>(() => api.Token(ApiFactory.Holder(Roles.Auditor)));
    }

    private async Task<HttpResponseMessage> GetIntegrityAsync(string token)
    {
        using var client = api.CreateClient(holder: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync(new Uri("/api/integrity", UriKind.Relative), Cancel);
    }

    private static string Token(string issuer, SecurityKey key, string algorithm, string role) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = issuer,
        Audience = "coopledger-api",
        Claims = new Dictionary<string, object> { ["sub"] = "auditor-7", ["roles"] = new[] { role } },
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(key, algorithm),
    });
}
