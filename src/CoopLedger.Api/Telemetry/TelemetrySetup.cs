using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CoopLedger.Api.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics from ASP.NET Core, Npgsql and CoopLedger's own sources, exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Built with <see cref="OpenTelemetrySdk.Create"/> because the
/// hosting extensions package cannot be installed here; the container disposes it, which flushes the exporters.
/// </summary>
/// <remarks>
/// Without an endpoint the SDK is not started at all: its tracer would record every request's spans (ASP.NET Core's,
/// one per Npgsql command, the store's) only to drop them, about a twentieth of what the service allocated under
/// commands (docs/BENCHMARKS.md). The sources still emit to any other listener (<c>dotnet-trace</c>, a test's own), and
/// requests still get trace ids (<see cref="RequestTraceIds"/>).
/// </remarks>
public static class TelemetrySetup
{
    /// <summary>The activity sources the service listens to.</summary>
    public static readonly string[] Sources = ["Microsoft.AspNetCore", "Npgsql", "CoopLedger.EventStore", "CoopLedger.Api"];

    /// <summary>The meters the service listens to.</summary>
    public static readonly string[] Meters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql", "CoopLedger.EventStore", "CoopLedger.Api"];

    /// <summary>Registers the SDK as a singleton.</summary>
    public static WebApplicationBuilder AddCoopLedgerTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddHostedService<RequestTraceIds>();
            return builder;
        }

        builder.Services.AddSingleton(_ => OpenTelemetrySdk.Create(otel => otel
            .ConfigureResource(resource => resource.AddService("CoopLedger.Api"))
            .WithTracing(tracing => tracing.AddSource(Sources))
            .WithMetrics(metrics => metrics.AddMeter(Meters))
            .UseOtlpExporter()));
        builder.Services.AddHostedService<TelemetryActivation>();
        return builder;
    }
}
