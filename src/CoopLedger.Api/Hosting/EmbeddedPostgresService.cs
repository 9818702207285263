using CoopLedger.EventStore.Hosting;

namespace CoopLedger.Api.Hosting;

/// <summary>Starts the embedded PostgreSQL cluster before the service serves, and stops it after it has drained.</summary>
internal sealed partial class EmbeddedPostgresService(
    EmbeddedPostgresOptions options, DatabaseEndpoint endpoint, ILogger<EmbeddedPostgresService> logger) : IHostedService
{
    private EmbeddedPostgres? _cluster;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var root = options.DataDirectory ?? EmbeddedPostgres.DefaultDataDirectory();
        LogStarting(logger, root);
        _cluster = await EmbeddedPostgres.StartAsync(options, cancellationToken);
        endpoint.ConnectionString = _cluster.ConnectionString;
        LogStarted(logger, _cluster.DataDirectory, _cluster.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            LogStopped(logger, _cluster.DataDirectory);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No connection string configured: starting embedded PostgreSQL in {RootDirectory}")]
    private static partial void LogStarting(ILogger logger, string rootDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL running from {DataDirectory} on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string dataDirectory, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL in {DataDirectory} stopped")]
    private static partial void LogStopped(ILogger logger, string dataDirectory);
}
