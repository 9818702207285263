using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CoopLedger.Api.Security;
using CoopLedger.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace CoopLedger.Api.Tests;

/// <summary>
/// The real service, with its real middleware, over a database of its own in the test run's cluster
/// (Alba's scenario style on top of <see cref="WebApplicationFactory{TEntryPoint}"/>). Its clients carry a token that
/// holds every role and the SIRENs of the demo authorities, so that tests of other features pass the security checks;
/// <see cref="CreateClient(TokenRequest)"/> makes a client for a given holder, and the security tests use it.
/// </summary>
public class ApiFactory(PostgresCluster cluster) : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The SIRENs the default client's officer acts for: those the demo histories and tests register.</summary>
    public static readonly string[] TestAuthorities = [.. Demo.SeedDemo.Authorities];

    private string _connectionString = "";

    /// <summary>The tests' own way into the database, beside the service's (opened on first use).</summary>
    private NpgsqlDataSource? _behindTheService;

    /// <summary>The key this service signs and checks tokens with (base64).</summary>
    public string SigningKey { get; } = TokenSettings.NewKey();

    /// <summary>The connection string of this factory's database.</summary>
    public string ConnectionString => _connectionString;

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync() => _connectionString = await cluster.CreateDatabaseAsync("api");

    /// <summary>How many events the ledger holds: a refused command must leave it unchanged.</summary>
    public Task<long> CountEventsAsync()
    {
        // The ledger's tables exist once the service has started: its migrations run at start.
        _ = Server;
        return ScalarAsync<long>("SELECT count(*) FROM ledger.events");
    }

    /// <summary>
    /// Runs a statement on this factory's database, behind the service's back (to tamper, or to age a read model); how
    /// many rows it touched. Parameters are positional: $1, $2, ...
    /// </summary>
    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = BehindTheService(sql, parameters);
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The one value a query answers on this factory's database, read behind the service's back.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = BehindTheService(sql, parameters);
        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_behindTheService is not null)
        {
            await _behindTheService.DisposeAsync();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private NpgsqlCommand BehindTheService(string sql, object[] parameters)
    {
        var command = LazyInitializer.EnsureInitialized(ref _behindTheService, () => NpgsqlDataSource.Create(_connectionString)).CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the first pass of the warm-up follows the start); its body.</summary>
    public async Task<JsonElement> ReadyAsync()
    {
        var client = CreateDefaultClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A client whose requests carry a token for <paramref name="holder"/> (none when null).</summary>
    public HttpClient CreateClient(TokenRequest? holder)
    {
        var client = CreateDefaultClient();
        client.DefaultRequestHeaders.Authorization = holder is null ? null : new AuthenticationHeaderValue("Bearer", Token(holder));
        return client;
    }

    /// <summary>A token signed with this service's key.</summary>
    public string Token(TokenRequest holder) => Services.GetRequiredService<TokenIssuer>().Issue(holder);

    /// <summary>A holder with one role (and, for an officer, its SIRENs).</summary>
    public static TokenRequest Holder(string role, params string[] sirens) => new($"test-{role}", [role], sirens, TimeSpan.FromHours(1));

    /// <inheritdoc />
    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            Token(new TokenRequest("test-operator", Roles.All, TestAuthorities, TimeSpan.FromHours(2))));
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:CoopLedger", _connectionString);
        builder.UseSetting("Authentication:SigningKey", SigningKey);
    }
}
