using CoopLedger.EventStore.Schema;

namespace CoopLedger.Api.Hosting;

/// <summary>Brings the schema up to date before the service serves its first request.</summary>
/// <remarks>
/// The host constructs every hosted service before starting the first one, while the embedded cluster (and so
/// the data source) does not exist yet: the migrator is therefore resolved when this service starts.
/// </remarks>
internal sealed partial class MigrationService(
    IServiceProvider services, DatabaseEndpoint endpoint, ILogger<MigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrator = services.GetRequiredService<SchemaMigrator>();
        var database = endpoint.Describe();
        LogDatabase(logger, endpoint.IsEmbedded ? "embedded" : "configured", database);
        var applied = await migrator.MigrateAsync(cancellationToken);
        foreach (var migration in applied)
        {
            LogApplied(logger, migration.Module, migration.Version, migration.Description);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the {Kind} database {Database}")]
    private static partial void LogDatabase(ILogger logger, string kind, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Module} {Version}: {Description}")]
    private static partial void LogApplied(ILogger logger, string module, int version, string description);
}
