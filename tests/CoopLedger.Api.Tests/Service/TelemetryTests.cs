using System.Diagnostics;
using System.Net;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace CoopLedger.Api.Tests.Service;

/// <summary>The service with somewhere to export its telemetry (nothing listens there: exports are dropped).</summary>
public sealed class ExportingApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9");
    }
}

public sealed class TelemetryTests(ApiFactory api, ExportingApiFactory exporting) : IClassFixture<ApiFactory>, IClassFixture<ExportingApiFactory>
{
    [Fact]
    public async Task Without_an_endpoint_no_tracer_records_the_service_s_spans()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        Assert.Null(api.Services.GetService<OpenTelemetrySdk>());
    }

    [Fact]
    public async Task With_an_endpoint_the_tracer_records_the_store_s_spans()
    {
        Assert.Equal(HttpStatusCode.OK, (await exporting.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        var sdk = exporting.Services.GetRequiredService<OpenTelemetrySdk>();
        using var source = new ActivitySource("CoopLedger.EventStore");
        using var span = source.StartActivity("eventstore.append");
        Assert.NotNull(span);
        Assert.True(span.Recorded);
        Assert.NotNull(sdk.TracerProvider);
    }
}
