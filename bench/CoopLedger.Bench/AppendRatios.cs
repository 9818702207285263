using System.Globalization;

namespace CoopLedger.Bench;

/// <summary>One append level's ratios to raw inserts, one per run, and their summary over the runs.</summary>
internal sealed class AppendRatios(int batch, int clients)
{
    public int Batch { get; } = batch;

    public int Clients { get; } = clients;

    /// <summary>Store ÷ raw, one per run.</summary>
    public List<double> Store { get; } = [];

    /// <summary>Ungrouped store ÷ raw, one per run.</summary>
    public List<double> Ungrouped { get; } = [];

    public void Add(double store, double ungrouped)
    {
        Store.Add(store);
        Ungrouped.Add(ungrouped);
    }

    /// <summary>Each level's median and range over its runs, after the runs' table.</summary>
    public static void Print(TextWriter output, int runs, IEnumerable<AppendRatios> levels)
    {
        output.WriteLine();
        output.WriteLine($"Ratios to raw over {runs} runs of each level: median (lowest–highest)");
        output.WriteLine("| batch | clients | store ÷ raw | ungrouped ÷ raw |");
        output.WriteLine("|---:|---:|---|---|");
        foreach (var level in levels)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {level.Batch} | {level.Clients} | {Spread(level.Store)} | {Spread(level.Ungrouped)} |"));
        }
    }

    private static string Spread(List<double> ratios) =>
        string.Create(CultureInfo.InvariantCulture, $"**{Quantile(ratios, 0.5):F2}** ({ratios.Min():F2}–{ratios.Max():F2})");

    /// <summary>
    /// The quantile <paramref name="q"/> of <paramref name="values"/>, interpolated between the two nearest (a median
    /// of an even count is the mean of the middle two); leaves them in their order.
    /// </summary>
    public static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var at = q * (sorted.Count - 1);
        var below = (int)Math.Floor(at);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((at - below) * (sorted[above] - sorted[below]));
    }
}
