using System.Net.Http.Headers;
using CoopLedger.Api.Security;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>
/// One database and the service processes running on it, sharing a signing key so that the harness can sign its
/// clients' tokens. Commands are not rate-limited here: the load is the point.
/// </summary>
/// <param name="connectionString">The database; null for the service's embedded cluster.</param>
/// <param name="embeddedDataDirectory">Where the embedded cluster keeps its data.</param>
/// <param name="settings">Further settings of every instance (<c>Section__Key</c>), over the harness's own.</param>
internal sealed class Deployment(string? connectionString, string? embeddedDataDirectory = null, IReadOnlyDictionary<string, string?>? settings = null)
    : IDisposable
{
    // The key the instances check tokens with, and the issuer that signs the clients' tokens with it.
    private readonly (string Key, TokenIssuer Issuer) _signing = NewSigning();
    private readonly List<ServiceProcess> _instances = [];
    private readonly List<HttpClient> _clients = [];

    /// <summary>The configured database; none when the service runs its embedded cluster in <c>embeddedDataDirectory</c>.</summary>
    public string ConnectionString => connectionString ?? throw new InvalidOperationException("The service runs its own embedded cluster.");

    /// <summary>Starts an instance and waits until it is ready; its database sessions carry <paramref name="name"/> as application name.</summary>
    public async Task<ServiceProcess> StartAsync(string name, int port = 0)
    {
        var instance = Launch(name, port);
        await instance.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        return instance;
    }

    /// <summary>Starts an instance without waiting for it (it is stopped with the deployment).</summary>
    public ServiceProcess Launch(string name, int port = 0)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__CoopLedger"] = connectionString is null ? null : new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = name }.ConnectionString,
            ["EmbeddedPostgres__DataDirectory"] = embeddedDataDirectory,
            ["Authentication__SigningKey"] = _signing.Key,
            ["RateLimiting__WriteBurst"] = "1000000",
            ["RateLimiting__WritesPerSecond"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        var instance = ServiceProcess.Launch(environment, port);
        _instances.Add(instance);
        return instance;
    }

    /// <summary>A client of <paramref name="instance"/> holding a token for <paramref name="subject"/> with these roles.</summary>
    public HttpClient Client(ServiceProcess instance, string subject, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = instance.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            _signing.Issuer.Issue(new TokenRequest(subject, roles.Length == 0 ? [Roles.Officer, Roles.Auditor, Roles.Admin] : roles, [Load.Siren], TimeSpan.FromHours(2))));
        _clients.Add(client);
        return client;
    }

    private static (string, TokenIssuer) NewSigning()
    {
        var key = TokenSettings.NewKey();
        return (key, new TokenIssuer(TokenSettings.ForSigningKey(key), TimeProvider.System));
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
    }
}
