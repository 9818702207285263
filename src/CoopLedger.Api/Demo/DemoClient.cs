using System.Text.Json;

namespace CoopLedger.Api.Demo;

/// <summary>Sends the demo's commands through the real HTTP API (as the client's token allows) and stops at the first refusal.</summary>
public sealed class DemoClient(HttpClient http)
{
    private readonly List<string> _warnings = [];

    /// <summary>The warnings the commands were answered with (e.g. funding with no convention in force).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Posts a command and returns its answer; throws with the problem details when it is refused.</summary>
    public async Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        var answer = JsonDocument.Parse(text).RootElement.Clone();
        if (answer.TryGetProperty("warnings", out var warnings))
        {
            _warnings.AddRange(warnings.EnumerateArray().Select(w => $"{path}: {w.GetString()}"));
        }

        return answer;
    }

    /// <summary>Registers a partnership and returns its path, <c>/api/partnerships/{id}</c>.</summary>
    public async Task<string> RegisterAsync(object registration, CancellationToken cancellationToken) =>
        $"/api/partnerships/{(await PostAsync("/api/partnerships", registration, cancellationToken)).GetProperty("id").GetString()}";
}
