using System.Globalization;

namespace CoopLedger.Bench;

internal sealed partial class AppendBenchmark
{
    /// <summary>How long each side runs in a pair, measured.</summary>
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    /// <summary>How long each side runs before its slice, unmeasured: its clients' first appends (new streams, a group commit's first gathers).</summary>
    private static readonly TimeSpan SliceWarmUp = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The store against raw in pairs of one-second slices, the sides taking turns going first, a ratio per pair. This
    /// host's speed swings by half within minutes, so runs of several seconds each, minutes apart, gave ratios from
    /// 0.48 to 0.73 for one build: within a pair both sides meet nearly the same host, and the pairs' median and
    /// quartiles say how far the ratio itself can be trusted. Rates and latencies are each side's medians over the pairs.
    /// </summary>
    private async Task RunPairsAsync(TextWriter output)
    {
        output.WriteLine($"Store ÷ raw in {pairs} pairs of {Slice.TotalSeconds:F0} s slices per level, the sides taking turns going first "
            + "(store = CoopLedger append with group commit; raw = plain INSERT of the same rows, one transaction each)");
        output.WriteLine("| batch | clients | store ÷ raw: median | quartiles | lowest–highest | pairs ≥ 0.7 | store events/s | raw events/s | "
            + "store p50 / p99 ms | raw p50 / p99 ms | each pair's ratio, in order |");
        output.WriteLine("|---:|---:|---:|---|---|---:|---:|---:|---|---|---|");
        foreach (var batch in _batchSizes)
        {
            foreach (var clients in _concurrencies)
            {
                Func<int, LoopStep> store = Clients(batch, StoreAppendAsync), raw = Clients(batch, RawInsertAsync);
                // Pool, plans and JIT warm for both sides before the first pair (see MeasureWithCpuAsync).
                await ClosedLoop.RunAsync(clients, TimeSpan.Zero, SideWarmUp, raw);
                await ClosedLoop.RunAsync(clients, TimeSpan.Zero, SideWarmUp, store);
                var ratios = new List<double>();
                List<double> storeRates = [], rawRates = [], storeP50 = [], storeP99 = [], rawP50 = [], rawP99 = [];
                for (var pair = 0; pair < pairs; pair++)
                {
                    var rawFirst = pair % 2 == 0;
                    var first = await ClosedLoop.RunAsync(clients, SliceWarmUp, Slice, rawFirst ? raw : store);
                    var second = await ClosedLoop.RunAsync(clients, SliceWarmUp, Slice, rawFirst ? store : raw);
                    var (rawRun, storeRun) = rawFirst ? (first, second) : (second, first);
                    ratios.Add(storeRun.PerSecond / rawRun.PerSecond);
                    storeRates.Add(storeRun.PerSecond);
                    rawRates.Add(rawRun.PerSecond);
                    storeP50.Add(storeRun.Latency.Percentile(0.5));
                    storeP99.Add(storeRun.Latency.Percentile(0.99));
                    rawP50.Add(rawRun.Latency.Percentile(0.5));
                    rawP99.Add(rawRun.Latency.Percentile(0.99));
                }

                var inOrder = string.Join(" ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
                var met = ratios.Count(r => r >= 0.7);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {batch} | {clients} | **{Quantile(ratios, 0.5):F2}** | {Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2} | "
                    + $"{ratios.Min():F2}–{ratios.Max():F2} | {met} of {pairs} | {Quantile(storeRates, 0.5):F0} | {Quantile(rawRates, 0.5):F0} | "
                    + $"{Quantile(storeP50, 0.5):F2} / {Quantile(storeP99, 0.5):F2} | {Quantile(rawP50, 0.5):F2} / {Quantile(rawP99, 0.5):F2} | {inOrder} |"));
            }
        }
    }

    /// <summary>The quantile <paramref name="q"/> of <paramref name="values"/>, interpolated between the two nearest (leaves them as they were).</summary>
    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var at = q * (sorted.Count - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((at - below) * (sorted[above] - sorted[below]));
    }
}
