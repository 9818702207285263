using System.Globalization;
using System.Text.Json;

namespace CoopLedger.Bench.Http;

/// <summary>
/// Commands as officers send them: 10% registrations of new partnerships, 90% commands on the seeded ones, in equal
/// parts a challenge, an action under the partnership's challenge, a funding commitment (money as a two-decimal
/// string) and a convention signed today. Every body is valid per shared/API.md and no domain rule refuses any of
/// them in an open partnership, so every answer but a 2xx is a fault to report, not part of the mix.
/// </summary>
internal sealed class CommandMix(IReadOnlyList<SeededPartnership> pool) : ILoadMix
{
    /// <summary>Saint-Étienne's SIREN: every partnership of the run has it, and every officer token carries it.</summary>
    public const string Siren = "214202186";

    public IReadOnlyList<string> Kinds { get; } = ["registration", "challenge", "action", "funding", "convention"];

    public LoadRequest Next(Random random)
    {
        if (random.Next(10) == 0)
        {
            return Registration(random);
        }

        var partnership = pool[random.Next(pool.Count)];
        return random.Next(4) switch
        {
            0 => Challenge(partnership.Id, random),
            1 => Action(partnership, random),
            2 => Funding(partnership.Id, random),
            _ => Convention(partnership.Id, random),
        };
    }

    public static LoadRequest Registration(Random random) => Post("registration", "/api/partnerships", new
    {
        title = Invariant($"Coopération décentralisée Saint-Étienne – Monastir n° {random.Next(1_000_000)}"),
        form = "DecentralisedCooperation",
        frenchAuthorities = new[] { new { siren = Siren, name = "Saint-Étienne" } },
        foreignPartners = new[] { new { name = "Monastir", country = "TN" } },
    });

    public static LoadRequest Challenge(Guid partnership, Random random) =>
        Post("challenge", $"/api/partnerships/{partnership}/challenges", new { title = Invariant($"Gestion de l'eau, volet {random.Next(1_000)}") });

    private static LoadRequest Action(SeededPartnership partnership, Random random) =>
        Post("action", $"/api/partnerships/{partnership.Id}/actions",
            new { challengeId = partnership.ChallengeId, title = Invariant($"Échanges de formateurs {random.Next(1_000)}") });

    private static LoadRequest Funding(Guid partnership, Random random) => Post("funding", $"/api/partnerships/{partnership}/funding", new
    {
        funder = new { name = "Saint-Étienne", kind = "FrenchAuthority" },
        amount = Invariant($"{random.Next(1_000, 50_000)}.{random.Next(100):00}"),
        year = 2020 + random.Next(6),
        mechanism = "GeneralBudget",
    });

    private static LoadRequest Convention(Guid partnership, Random random)
    {
        // Signed today: a signature dated more than 30 days back would need a reason (a late entry).
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return Post("convention", $"/api/partnerships/{partnership}/conventions", new
        {
            signedOn = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            validFrom = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            validTo = today.AddYears(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            title = Invariant($"Convention de coopération {random.Next(1_000)}"),
        });
    }

    private static LoadRequest Post(string kind, string path, object body) =>
        new(kind, HttpMethod.Post, path, JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
