using System.Diagnostics;
using System.Net.Http.Headers;

namespace CoopLedger.Bench.Http;

/// <summary>What one concurrency level of a mix measured.</summary>
/// <param name="Clients">Concurrent closed-loop clients.</param>
/// <param name="Load">Throughput and latency after the warm-up.</param>
/// <param name="Statuses">Every answer by status, warm-up included.</param>
/// <param name="ByKind">Latency per kind of request, after the warm-up.</param>
internal sealed record HttpLevelResult(int Clients, ClosedLoopResult Load, StatusTally Statuses, IReadOnlyDictionary<string, LatencyRecorder> ByKind)
{
    /// <summary>CPU per request, when measured.</summary>
    public CpuPerRequest? Cpu { get; init; }
}

/// <summary>
/// Runs a mix at one concurrency as <see cref="ClosedLoop"/> clients, each with its own token (as distinct users
/// are: the service limits and records per token subject), counting every answer by status. A request that fails
/// without an answer is counted, not thrown: the level goes on and the failure is reported with the figures.
/// </summary>
internal static class HttpLevel
{
    public static async Task<HttpLevelResult> RunAsync(
        LoadClient http, ILoadMix mix, IReadOnlyList<AuthenticationHeaderValue> tokens, int clients, TimeSpan warmUp, TimeSpan duration)
    {
        var statuses = new StatusTally();
        var byKind = mix.Kinds.ToDictionary(kind => kind, _ => new LatencyRecorder());
        var load = await ClosedLoop.RunAsync(clients, warmUp, duration, client =>
        {
            var random = new Random(HashCode.Combine(clients, client));
            var token = tokens[client];
            return async measured =>
            {
                var request = mix.Next(random);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var (status, body) = await http.SendAsync(request, token);
                    statuses.Count(request, status, body);
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                    statuses.NoAnswer(request, error);
                }

                if (measured)
                {
                    byKind[request.Kind].Record(started);
                }

                return 1;
            };
        });
        return new(clients, load, statuses, byKind);
    }
}
