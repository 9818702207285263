using System.Net;
using System.Net.Http.Json;
using System.Text;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Service;

/// <summary>
/// How the service answers a body it cannot read. The command routes come with their own issues; here a probe
/// route is added to the real pipeline (same middleware, binding and error handling) to test the mechanism once.
/// </summary>
public sealed class RequestBodyErrorTests(RequestBodyErrorTests.ProbeApi api) : IClassFixture<RequestBodyErrorTests.ProbeApi>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Malformed_JSON_answers_400_problem_details_naming_where_it_broke()
    {
        var response = await PostAsync("""{ "title": "Saint-Étienne – Monastir", "year": """);

        var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.year", out _), problem.ToString());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_answers_400_naming_the_field()
    {
        var response = await PostAsync("""{ "title": "Monastir", "year": "two thousand" }""");

        var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.year", out _), problem.ToString());
    }

    [Fact]
    public async Task A_body_over_the_size_limit_answers_413_problem_details()
    {
        var huge = new string('x', 2 * 1024 * 1024);

        var response = await PostAsync($$"""{ "title": "{{huge}}", "year": 2017 }""");

        await Problems.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_well_formed_body_reaches_the_route()
    {
        var response = await api.CreateClient().PostAsJsonAsync(new Uri("/probe", UriKind.Relative), new Probe("Monastir", 2017), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Probe("Monastir", 2017), await response.Content.ReadFromJsonAsync<Probe>(Cancel));
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        api.CreateClient().PostAsync(
            new Uri("/probe", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"), Cancel);

    public sealed record Probe(string Title, int Year);

    /// <summary>The real service plus one probe route that binds a JSON body.</summary>
    public sealed class ProbeApi(PostgresCluster cluster) : ApiFactory(cluster)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ProbeRoute>());
        }
    }

    private sealed class ProbeRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(endpoints => endpoints.MapPost("/probe", (Probe probe) => Results.Ok(probe)));
        };
    }
}
