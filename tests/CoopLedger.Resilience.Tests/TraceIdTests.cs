using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CoopLedger.Resilience.Tests.Harness;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests;

/// <summary>
/// The service in its own process, as deployed (the in-process test host starts requests' activities by itself): with
/// nothing to export telemetry to and ASP.NET Core's logs silenced, nothing else would give a request its trace id.
/// </summary>
public sealed partial class TraceIdTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_its_logs_silenced_and_no_tracer_the_service_still_correlates_a_command_s_events()
    {
        using var deployment = new Deployment(await cluster.CreateDatabaseAsync("traceids", Cancel),
            settings: new Dictionary<string, string?> { ["Logging__LogLevel__Microsoft.AspNetCore"] = "None", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null });
        var service = await deployment.StartAsync("api");
        var client = deployment.Client(service, "officer-0");

        var registered = await client.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Load.Registration("Corrélation"), Cancel);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();
        var history = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/partnerships/{id}/history", UriKind.Relative), Cancel);

        var correlations = history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("correlationId").GetString() ?? "").ToList();
        Report.Line($"correlation ids of the registration's events: {string.Join(", ", correlations)}");
        Assert.NotEmpty(correlations);
        Assert.All(correlations, c => Assert.Matches(TraceId(), c));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();
}
