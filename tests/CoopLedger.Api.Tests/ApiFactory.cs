using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:CoopLedger", _connectionString);
    }
}
