using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Ready once the warm-up has been through the whole lists dashboards open with (<see cref="PartsWarming"/>): read them,
/// or found them not to be kept (their projection rebuilding or failed), or failed to (then requests read them for
/// themselves). At 10,000 partnerships reading them takes about half a second, which the first requests routed to a
/// new instance would otherwise wait for. Once through, it stays ready.
/// </summary>
public sealed class WholeListsReadinessCheck(PartsWarming warming) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warming.FirstPassDone
            ? HealthCheckResult.Healthy("The whole lists are kept warm.")
            : HealthCheckResult.Unhealthy("Reading the whole lists dashboards open with."));
}
