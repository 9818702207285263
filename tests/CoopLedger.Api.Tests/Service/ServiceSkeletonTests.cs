using System.Net;
using System.Text.Json;

namespace CoopLedger.Api.Tests.Service;

public sealed class ServiceSkeletonTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Liveness_answers_200()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readiness_answers_200_once_the_database_is_reachable_and_migrated_and_the_whole_lists_are_read()
    {
        var body = await api.ReadyAsync();

        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal([("database", "Healthy"), ("whole lists", "Healthy")],
            body.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("status").GetString())).Order());
    }


    [Fact]
    public async Task An_unknown_route_answers_404_problem_details()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/api/nothing-here", UriKind.Relative), Cancel);

        var problem = await Problems.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("/api/nothing-here", problem.GetProperty("instance").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task A_wrong_method_answers_405_problem_details()
    {
        var response = await api.CreateClient().DeleteAsync(new Uri("/health/live", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("CoopLedger", document.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Swagger_UI_is_served_over_the_document()
    {
        var client = api.CreateClient();

        var page = await client.GetStringAsync(new Uri("/swagger/index.html", UriKind.Relative), Cancel);
        var settings = await client.GetStringAsync(new Uri("/swagger/index.js", UriKind.Relative), Cancel);

        Assert.Contains("swagger-ui", page, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", settings, StringComparison.Ordinal);
    }
}
