using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace CoopLedger.Api.Tests;

/// <summary>
/// The real service, with its real middleware, over a database of its own in the test run's cluster
/// (Alba's scenario style on top of <see cref="WebApplicationFactory{TEntryPoint}"/>).
/// </summary>
public class ApiFactory(PostgresCluster cluster) : WebApplicationFactory<Program>, IAsyncLifetime
{
    private string _connectionString = "";

    /// <summary>The connection string of this factory's database.</summary>
    public string ConnectionString => _connectionString;

    /// <inheritdoc />
    public async ValueTask InitializeAsync() => _connectionString = await cluster.CreateDatabaseAsync("api");

    /// <summary>How many events the ledger holds: a refused command must leave it unchanged.</summary>
    public async Task<long> CountEventsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM ledger.events", connection);
        return (long)(await count.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:CoopLedger", _connectionString);
    }
}
