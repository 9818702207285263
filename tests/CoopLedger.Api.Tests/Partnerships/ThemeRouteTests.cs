using System.Net;
using System.Net.Http.Json;

namespace CoopLedger.Api.Tests.Partnerships;

public sealed class ThemeRouteTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] Training = ["Education, formation", "Formation professionnelle"];

    [Fact]
    public async Task Assigned_themes_show_beside_the_primary_theme_and_a_missing_theme_is_400()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";

        await client.PostAsync($"{p}/themes", new { theme = Training, priority = 1 });
        var missing = await client.Http.PostAsJsonAsync(new Uri($"{p}/themes", UriKind.Relative), new { priority = 1 }, TestContext.Current.CancellationToken);

        var partnership = await client.GetAsync(p);
        Assert.Equal("Economie durable", partnership.GetProperty("primaryTheme")[0].GetString());
        var theme = Assert.Single(partnership.GetProperty("themes").EnumerateArray());
        Assert.Equal(1, theme.GetProperty("priority").GetInt32());
        var errors = (await Problems.ReadAsync(missing, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("theme", out _));
    }
}
