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
        var applied = await MigrateWhenReachableAsync(migrator, database, cancellationToken);
        foreach (var migration in applied)
        {
            LogApplied(logger, migration.Module, migration.Version, migration.Description);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A database that is down when the service starts (both started by an orchestrator, or restarting) is waited
    /// for, with growing pauses, rather than ending the service: it comes up when the database does.
    /// </summary>
    private async Task<IReadOnlyList<Migration>> MigrateWhenReachableAsync(SchemaMigrator migrator, string database, CancellationToken cancellationToken)
    {
        var pause = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await migrator.MigrateAsync(cancellationToken);
            }
            catch (Exception unreachable) when (Errors.DatabaseUnavailableExceptionHandler.IsUnavailable(unreachable) && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, database, attempt, pause.TotalSeconds, unreachable.Message);
                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the database {Database} (attempt {Attempt}, next in {Seconds} s): {Reason}")]
    private static partial void LogWaiting(ILogger logger, string database, int attempt, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the {Kind} database {Database}")]
    private static partial void LogDatabase(ILogger logger, string kind, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Module} {Version}: {Description}")]
    private static partial void LogApplied(ILogger logger, string module, int version, string description);
}
