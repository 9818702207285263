using CoopLedger.EventStore.Schema;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CoopLedger.Api.Health;

/// <summary>Ready when the database answers and every migration this build knows has been applied.</summary>
internal sealed class DatabaseReadinessCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await services.GetRequiredService<SchemaMigrator>().PendingAsync(cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable, schema up to date.")
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied yet.");
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", exception);
        }
    }
}
