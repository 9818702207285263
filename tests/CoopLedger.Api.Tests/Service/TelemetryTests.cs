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

/// <summary>
/// The SDK starts only with somewhere to export. That requests keep their trace ids without it is tested on the
/// service's own process (<c>TraceIdTests</c>): the test host starts requests' activities by itself.
/// </summary>
public sealed class TelemetryTests(ApiFactory api, ExportingApiFactory exporting) : IClassFixture<ApiFactory>, IClassFixture<ExportingApiFactory>
{
    [Fact]
    public async Task Without_an_endpoint_the_telemetry_SDK_is_not_started_and_with_one_it_is()
    {
        Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await exporting.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        Assert.Null(api.Services.GetService<OpenTelemetrySdk>());
        Assert.NotNull(exporting.Services.GetRequiredService<OpenTelemetrySdk>().TracerProvider);
    }
}
