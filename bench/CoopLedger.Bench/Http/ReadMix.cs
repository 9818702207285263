namespace CoopLedger.Bench.Http;

/// <summary>
/// Reads as officers and dashboards send them, in equal parts: a partnership's state and its plan (folded from its
/// stream per request), a page of the partnership list, and the two dashboard reports (read models).
/// </summary>
internal sealed class ReadMix(IReadOnlyList<SeededPartnership> pool) : ILoadMix
{
    public IReadOnlyList<string> Kinds { get; } = ["partnership", "plan", "list", "funding-per-year", "active-partnerships"];

    public LoadRequest Next(Random random) => random.Next(5) switch
    {
        0 => new("partnership", HttpMethod.Get, $"/api/partnerships/{pool[random.Next(pool.Count)].Id}"),
        1 => new("plan", HttpMethod.Get, $"/api/partnerships/{pool[random.Next(pool.Count)].Id}/plan"),
        2 => new("list", HttpMethod.Get, "/api/partnerships?limit=50"),
        3 => new("funding-per-year", HttpMethod.Get, "/api/reports/funding-per-year"),
        _ => new("active-partnerships", HttpMethod.Get, "/api/reports/active-partnerships"),
    };
}
