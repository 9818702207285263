using System.Net;
using System.Net.Http.Headers;
using CoopLedger.Api.Security;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace CoopLedger.Api.Tests.Security;

/// <summary>The service after a key rotation: it signs with a new key and still accepts the previous one.</summary>
public sealed class RotatedKeyApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <summary>The key in use before the rotation.</summary>
    public string PreviousKey { get; } = TokenSettings.NewKey();

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Authentication:PreviousSigningKeys:0", PreviousKey);
    }
}

/// <summary>The <c>token</c> verb, the local key file, and key rotation.</summary>
public sealed class TokenTests(RotatedKeyApiFactory api) : IClassFixture<RotatedKeyApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_token_verb_prints_a_token_the_service_accepts_for_its_role()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenVerb.Run(Configuration(("Authentication:SigningKey", api.SigningKey)),
            ["token", "--role", "officer", "--siren", "214202186", "--name", "Agent", "--hours", "2"], output, error);

        Assert.Equal(0, exit);
        using var client = api.CreateClient(holder: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", output.ToString().Trim());
        var created = await client.PostAsync(new Uri("/api/partnerships", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(Partnerships.ApiClient.Registration()), Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var audit = await client.GetAsync(new Uri("/api/integrity", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, audit.StatusCode);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token --role officer")]
    [InlineData("token --role officer --siren 214202187")]
    [InlineData("token --role superuser")]
    [InlineData("token --role auditor --hours 0")]
    [InlineData("token --role auditor --hours 10000")]
    [InlineData("token --role auditor --colour red")]
    [InlineData("token --role auditor --name")]
    public void The_token_verb_refuses_what_it_cannot_sign_for(string arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = TokenVerb.Run(Configuration(("Authentication:SigningKey", api.SigningKey)), arguments.Split(' '), output, error);

        Assert.Equal(2, exit);
        Assert.Equal("", output.ToString());
        Assert.Contains("usage: token", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_configured_key_one_is_generated_once_readable_by_the_owner_only_and_kept()
    {
        var folder = Directory.CreateTempSubdirectory("coopledger-key-").FullName;
        try
        {
            var configuration = Configuration(("EmbeddedPostgres:DataDirectory", folder));

            var first = TokenSettings.From(configuration).SigningKey!.Key;
            var second = TokenSettings.From(configuration).SigningKey!.Key;

            Assert.Equal(first, second);
            Assert.Equal(32, first.Length);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "signing-key")));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task After_a_rotation_tokens_signed_with_the_previous_key_are_still_accepted()
    {
        var previous = new TokenIssuer(TokenSettings.ForSigningKey(api.PreviousKey), TimeProvider.System);
        using var client = api.CreateClient(holder: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", previous.Issue(ApiFactory.Holder(Roles.Auditor)));

        var response = await client.GetAsync(new Uri("/api/integrity", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void A_short_or_malformed_key_is_refused_at_start_naming_the_setting()
    {
        var tooShort = Assert.Throws<InvalidOperationException>(() => TokenSettings.From(Configuration(("Authentication:SigningKey", Convert.ToBase64String(new byte[16])))));
        var notBase64 = Assert.Throws<InvalidOperationException>(() => TokenSettings.From(Configuration(("Authentication:SigningKey", "not base64!"))));

        Assert.Contains("Authentication:SigningKey", tooShort.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication:SigningKey", notBase64.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployment_with_its_own_database_and_no_key_is_refused_rather_than_given_a_key_of_its_own()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => TokenSettings.From(Configuration(("ConnectionStrings:CoopLedger", "Host=db;Database=coopledger"))));

        Assert.Contains("Authentication:SigningKey", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Authentication:Authority", refused.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
