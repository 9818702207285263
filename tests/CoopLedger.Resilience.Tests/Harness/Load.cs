using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>What one command got: an answer (status, and for a 2xx the stream and version), or none at all.</summary>
internal sealed record Outcome(string Subject, string Key, int? Status, Guid? Stream, long? Version, bool RetryAfter, string? MediaType, TimeSpan Took, string? Failure)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// Officers submitting commands concurrently, as in production: 10% registrations, 90% changes to existing partnerships
/// (challenges, funding, action plans, conventions), each with its own <c>Idempotency-Key</c>, so that the ledger can be
/// searched for every command.
/// </summary>
internal sealed class Load(IReadOnlyList<HttpClient> clients, IReadOnlyList<string> subjects, IReadOnlyList<Guid> partnerships)
{
    public const string Siren = "214202186";

    private readonly ConcurrentQueue<Outcome> _outcomes = new();

    public IReadOnlyCollection<Outcome> Outcomes => _outcomes;

    /// <summary>Registers <paramref name="count"/> partnerships to add to.</summary>
    public static async Task<List<Guid>> SeedAsync(HttpClient client, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var response = await client.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Registration($"Seed {i}"), TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid());
        }

        return ids;
    }

    /// <summary>Runs every client until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(clients.Select((client, i) => Task.Run(() => ClientLoopAsync(client, subjects[i], new Random(i), stop), CancellationToken.None)));

    private async Task ClientLoopAsync(HttpClient client, string subject, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = Guid.NewGuid().ToString();
            var (path, command) = Command(random, key);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(command) };
            request.Headers.Add("Idempotency-Key", key);
            var clock = Stopwatch.StartNew();
            try
            {
                // Not cancelled by stop: a request sent is waited for, so that its outcome is known.
                using var response = await client.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var answer = response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement : default;
                _outcomes.Enqueue(new Outcome(subject, key, (int)response.StatusCode,
                    response.IsSuccessStatusCode ? answer.GetProperty("id").GetGuid() : null,
                    response.IsSuccessStatusCode ? answer.GetProperty("version").GetInt64() : null,
                    response.Headers.RetryAfter is not null, response.Content.Headers.ContentType?.MediaType, clock.Elapsed,
                    response.IsSuccessStatusCode ? null : body));
            }
            catch (HttpRequestException failure)
            {
                _outcomes.Enqueue(new Outcome(subject, key, null, null, null, false, null, clock.Elapsed, $"{failure.HttpRequestError}: {failure.Message}"));
                // The service is down: don't spin.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    /// <summary>The mix: registrations, challenges, funding, action plans and conventions, so that every read model moves.</summary>
    private (string Path, object Body) Command(Random random, string key)
    {
        var partnership = $"/api/partnerships/{partnerships[random.Next(partnerships.Count)]}";
        return random.Next(20) switch
        {
            < 2 => ("/api/partnerships", Registration($"Load {key}")),
            < 8 => ($"{partnership}/challenges", new { title = $"Défi {key}" }),
            < 13 => ($"{partnership}/funding", new
            {
                funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = $"{random.Next(1, 100000)}.00", year = random.Next(2015, 2030), mechanism = "GeneralBudget",
            }),
            < 18 => ($"{partnership}/action-plans", new
            {
                from = "2020-01-01", to = "2022-12-31", reason = "load",
                challenges = new[] { new { title = $"Défi {key}", actions = new[] { new { title = "Action" } } } },
            }),
            _ => ($"{partnership}/conventions", new { signedOn = "2020-01-10", validFrom = "2020-01-10", validTo = "2023-12-31", reason = "load" }),
        };
    }

    public static object Registration(string title) => new
    {
        title,
        form = "DecentralisedCooperation",
        frenchAuthorities = new[] { new { siren = Siren, name = "Saint-Étienne" } },
        foreignPartners = new[] { new { name = "Monastir", country = "TN" } },
    };
}
