using System.Globalization;
using System.Net;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>
/// A partnership read again is not folded again while its history and the day asked are the same: every other read
/// (another day, known at an earlier instant, after a change) must still answer what a fold of that history gives.
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

    private static async Task<string[]> ChallengesAsync(ApiClient client, string path) =>
        [.. (await client.GetAsync(path)).GetProperty("challenges").EnumerateArray().Select(c => c.GetProperty("title").GetString()!).Order(StringComparer.Ordinal)];
}
