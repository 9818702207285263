using OpenTelemetry;

namespace CoopLedger.Api.Telemetry;

/// <summary>Resolves the SDK at start-up so that it listens from the first request, not from its first use.</summary>
internal sealed class TelemetryActivation(OpenTelemetrySdk sdk) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(sdk);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
