using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>Sends commands and queries as an officer's client would, and reads the answers.</summary>
internal sealed class ApiClient(HttpClient http)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public HttpClient Http => http;

    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(expected == response.StatusCode, $"{path}: expected {expected}, got {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetAsync(string path)
    {
        var response = await http.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits until the named projections have applied every committed event, and checks they run.</summary>
    public async Task CaughtUpAsync(params string[] names)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var projections = (await GetAsync("/api/projections")).GetProperty("projections").EnumerateArray()
                .Where(p => names.Contains(p.GetProperty("name").GetString())).ToList();
            if (projections.Count == names.Length && projections.All(p => p.GetProperty("lag").GetInt64() == 0))
            {
                Assert.All(projections, p => Assert.Equal("running", p.GetProperty("status").GetString()));
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"projections {string.Join(", ", names)} did not catch up");
            await Task.Delay(50, Cancel);
        }
    }

    /// <summary>Waits until no rebuild is pending any more.</summary>
    public async Task RebuiltAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await GetAsync("/api/projections")).GetProperty("projections").EnumerateArray()
            .Any(p => p.GetProperty("rebuildRequestedAt").ValueKind != JsonValueKind.Null))
        {
            Assert.True(DateTime.UtcNow < deadline, "the rebuilds did not finish");
            await Task.Delay(100, Cancel);
        }
    }

    /// <summary>An instant after every event recorded so far and before the next one, escaped for a query string.</summary>
    public static async Task<string> InstantAsync()
    {
        // Recorded instants come from the database clock, which this machine shares: step past the last one.
        await Task.Delay(5, Cancel);
        var now = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        await Task.Delay(5, Cancel);
        return now;
    }

    public static object Registration(string title = "Saint-Étienne – Monastir") => new
    {
        title,
        form = "DecentralisedCooperation",
        frenchAuthorities = new[] { new { siren = "214202186", name = "Saint-Étienne", kind = "Commune" } },
        foreignPartners = new[] { new { name = "Monastir", country = "TN", kind = "Commune" } },
        primaryTheme = new[] { "Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières" },
        effectiveAt = "2009-01-01",
        reason = "Entered from the Atlas of decentralised cooperation",
    };
}
