using System.Diagnostics;

namespace CoopLedger.Api.Telemetry;

/// <summary>
/// Gives every request a W3C trace id when no tracer listens: the events a command appends carry it as their
/// correlation id, and problem details as their <c>traceId</c>. ASP.NET Core starts a request's activity only when
/// something listens to it or its logging is on, so quieting the logs would otherwise leave events uncorrelated.
/// The activities are propagated, not recorded: no span is built for them.
/// </summary>
internal sealed class RequestTraceIds : IHostedService, IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
