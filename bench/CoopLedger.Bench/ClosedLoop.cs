using System.Diagnostics;

namespace CoopLedger.Bench;

/// <summary>One operation of a closed-loop client; answers how many operations it did (a batch of appends counts each event).</summary>
/// <param name="measured">False during the warm-up: the step's own tallies should then leave it out of the figures.</param>
internal delegate Task<int> LoopStep(bool measured);

/// <summary>What a closed-loop run measured after its warm-up.</summary>
internal sealed record ClosedLoopResult(long Operations, TimeSpan Elapsed, LatencyRecorder Latency)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;
}

/// <summary>
/// Closed-loop load, shared by every throughput benchmark so that their figures compare: each client sends its next
/// operation when the previous one has answered, for a warm-up then a fixed duration. Throughput counts the operations
/// started after the warm-up, over the time from the warm-up's end until the last client has finished (the slowest
/// last answer included, so a long tail cannot flatter it).
/// </summary>
internal static class ClosedLoop
{
    /// <param name="clients">Concurrent clients.</param>
    /// <param name="warmUp">Time run but not measured (pools, plans, JIT, caches).</param>
    /// <param name="duration">Time measured.</param>
    /// <param name="client">Creates client number <c>i</c>'s step (with whatever state that client keeps), on its own task.</param>
    public static async Task<ClosedLoopResult> RunAsync(int clients, TimeSpan warmUp, TimeSpan duration, Func<int, LoopStep> client)
    {
        var latency = new LatencyRecorder(keepSpans: true);
        var operations = 0L;
        var end = warmUp + duration;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(index => Task.Run(async () =>
        {
            var step = client(index);
            for (var now = clock.Elapsed; now < end; now = clock.Elapsed)
            {
                var measured = now >= warmUp;
                var started = Stopwatch.GetTimestamp();
                var done = await step(measured);
                if (measured)
                {
                    latency.Record(started);
                    Interlocked.Add(ref operations, done);
                }
            }
        })));
        return new(operations, clock.Elapsed - warmUp, latency);
    }
}
