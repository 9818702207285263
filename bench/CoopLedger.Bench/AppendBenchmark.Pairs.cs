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
                var runs = new List<(ClosedLoopResult Raw, ClosedLoopResult Store)>(pairs);
                for (var pair = 0; pair < pairs; pair++)
                {
                    var rawFirst = pair % 2 == 0;
                    var first = await ClosedLoop.RunAsync(clients, SliceWarmUp, Slice, rawFirst ? raw : store);
                    var second = await ClosedLoop.RunAsync(clients, SliceWarmUp, Slice, rawFirst ? store : raw);
                    runs.Add(rawFirst ? (first, second) : (second, first));
                }

                var ratios = runs.Select(run => run.Store.PerSecond / run.Raw.PerSecond).ToList();
                var inOrder = string.Join(" ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {batch} | {clients} | **{AppendRatios.Quantile(ratios, 0.5):F2}** | {AppendRatios.Quantile(ratios, 0.25):F2}–{AppendRatios.Quantile(ratios, 0.75):F2} | "
                    + $"{ratios.Min():F2}–{ratios.Max():F2} | {ratios.Count(r => r >= 0.7)} of {pairs} | {Median(run => run.Store.PerSecond):F0} | {Median(run => run.Raw.PerSecond):F0} | "
                    + $"{Median(run => run.Store.Latency.Percentile(0.5)):F2} / {Median(run => run.Store.Latency.Percentile(0.99)):F2} | "
                    + $"{Median(run => run.Raw.Latency.Percentile(0.5)):F2} / {Median(run => run.Raw.Latency.Percentile(0.99)):F2} | {inOrder} |"));

                double Median(Func<(ClosedLoopResult Raw, ClosedLoopResult Store), double> figure) => AppendRatios.Quantile([.. runs.Select(figure)], 0.5);
            }
        }
    }
}
