using CoopLedger.EventStore.Hosting;
using Xunit;

namespace CoopLedger.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test assembly, started by the same launcher the service uses,
/// with fsync off. It is stopped and deleted after the run, and by the launcher's watchdog if the run is killed.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private EmbeddedPostgres? _cluster;

    /// <summary>The running cluster.</summary>
    public EmbeddedPostgres Server => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        await Server.CreateDatabaseAsync(name, cancellationToken);
        return Server.ConnectionStringFor(name);
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync() =>
        _cluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Throwaway = true, Durable = false });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
