using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CoopLedger.Bench.Http;

/// <summary>A partnership the mixes work on, with a challenge of its own so that actions can be added to it.</summary>
internal sealed record SeededPartnership(Guid Id, Guid ChallengeId);

/// <summary>
/// Registers the partnerships the levels work on through the API itself (as officers would, not behind the
/// service's back), before any level runs; seeding also warms the service (JIT, pools, prepared statements).
/// </summary>
internal static class PartnershipPool
{
    private const int Seeders = 8;

    public static async Task<IReadOnlyList<SeededPartnership>> SeedAsync(LoadClient http, AuthenticationHeaderValue officer, int count)
    {
        var pool = new ConcurrentBag<SeededPartnership>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Seeders }, async (index, _) =>
        {
            var random = new Random(index);
            var id = (await SendAsync(http, CommandMix.Registration(random), officer)).GetProperty("id").GetGuid();
            var challenge = (await SendAsync(http, CommandMix.Challenge(id, random), officer)).GetProperty("challengeId").GetGuid();
            pool.Add(new(id, challenge));
        });
        return [.. pool.OrderBy(p => p.Id)];
    }

    private static async Task<JsonElement> SendAsync(LoadClient http, LoadRequest request, AuthenticationHeaderValue officer)
    {
        var (status, body) = await http.SendAsync(request, officer);
        return status is >= 200 and < 300
            ? JsonSerializer.Deserialize<JsonElement>(body)
            : throw new InvalidOperationException($"seeding: {request.Method} {request.Path} → {status} {Encoding.UTF8.GetString(body)}");
    }
}
