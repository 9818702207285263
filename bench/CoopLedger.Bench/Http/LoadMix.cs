namespace CoopLedger.Bench.Http;

/// <summary>One request of a load mix, sent with the token of whichever client draws it.</summary>
/// <param name="Kind">What it is (<c>funding</c>, <c>plan</c>, ...), for the latencies per kind.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Path">Path and query, relative to the service.</param>
/// <param name="Body">UTF-8 JSON for a command; null for a query.</param>
internal sealed record LoadRequest(string Kind, HttpMethod Method, string Path, byte[]? Body = null);

/// <summary>What a load level sends: each client draws its next request with its own random source (Random is not thread-safe).</summary>
internal interface ILoadMix
{
    /// <summary>Every kind <see cref="Next"/> can draw, to keep a latency recorder per kind.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>The next request of one client.</summary>
    LoadRequest Next(Random random);
}
