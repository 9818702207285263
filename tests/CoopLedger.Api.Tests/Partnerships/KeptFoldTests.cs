using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>
/// A partnership read again is not folded again while its history and the day asked are the same: every other read
/// (another day, known at an earlier instant, after a change) must still answer what a fold of that history gives.
/// Its views are kept with it, and each answer names the instant it is known at.
/// </summary>
public sealed class KeptFoldTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Reads_after_a_kept_fold_answer_for_their_own_day_instant_and_version()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Relue"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var beforeChallenge = await ApiClient.InstantAsync();
        await client.PostAsync($"{p}/challenges", new { title = "Eau" });
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        Assert.Equal(["Eau"], await ChallengesAsync(client, $"{p}/plan"));
        Assert.Equal(["Eau"], await ChallengesAsync(client, $"{p}/plan"));
        Assert.Empty(await ChallengesAsync(client, $"{p}/plan?knownAt={beforeChallenge}"));
        Assert.Empty(await ChallengesAsync(client, $"{p}/plan?asOf={yesterday}"));
        Assert.Equal(["Eau"], await ChallengesAsync(client, $"{p}/plan"));

        await client.PostAsync($"{p}/challenges", new { title = "Culture" });
        Assert.Equal(["Culture", "Eau"], await ChallengesAsync(client, $"{p}/plan"));
        using var knownThen = await client.Http.GetAsync(new Uri($"{p}?knownAt={beforeChallenge}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal("\"1\"", knownThen.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_kept_view_names_the_instant_each_read_is_known_at_and_follows_the_partnership()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Gardée"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var (first, second) = (await ApiClient.InstantAsync(), await ApiClient.InstantAsync());

        var atFirst = await client.GetAsync($"{p}?knownAt={first}");
        var atSecond = await client.GetAsync($"{p}?knownAt={second}");
        var beforeNow = DateTimeOffset.UtcNow;
        var now = await client.GetAsync(p);

        Assert.Equal(DateTimeOffset.Parse(Uri.UnescapeDataString(first), CultureInfo.InvariantCulture), atFirst.GetProperty("knownAt").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse(Uri.UnescapeDataString(second), CultureInfo.InvariantCulture), atSecond.GetProperty("knownAt").GetDateTimeOffset());
        Assert.InRange(now.GetProperty("knownAt").GetDateTimeOffset(), beforeNow, DateTimeOffset.UtcNow);
        Assert.Equal(ButKnownAt(atFirst), ButKnownAt(atSecond));
        Assert.Equal(ButKnownAt(atFirst), ButKnownAt(now));

        await client.PostAsync($"{p}/partners", new { name = "Lycée Bourguiba", kind = "AssociatedActor", country = "TN" });
        var changed = await client.GetAsync(p);
        Assert.Equal(2, changed.GetProperty("version").GetInt64());
        Assert.Equal(["Lycée Bourguiba"], changed.GetProperty("partners").EnumerateArray().Select(x => x.GetProperty("name").GetString()));
        Assert.Equal(ButKnownAt(atFirst), ButKnownAt(await client.GetAsync($"{p}?knownAt={second}")));
    }

    /// <summary>The answer's properties but its knownAt, as their JSON text.</summary>
    private static string[] ButKnownAt(JsonElement view) =>
        [.. view.EnumerateObject().Where(x => x.Name != "knownAt").Select(x => $"{x.Name}={x.Value.GetRawText()}")];

    private static async Task<string[]> ChallengesAsync(ApiClient client, string path) =>
        [.. (await client.GetAsync(path)).GetProperty("challenges").EnumerateArray().Select(c => c.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];
}
