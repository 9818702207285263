using System.Diagnostics;

namespace CoopLedger.Bench;

/// <summary>Collects operation latencies from concurrent workers and summarizes them.</summary>
/// <param name="keepSpans">Whether to keep when each operation started and ended, besides how long it took.</param>
internal sealed class LatencyRecorder(bool keepSpans = false)
{
    private readonly List<double> _milliseconds = [];
    private readonly List<(long Started, long Ended)> _spans = [];

    public void Record(long startedTimestamp)
    {
        var ended = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(startedTimestamp, ended).TotalMilliseconds;
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed);
            if (keepSpans)
            {
                _spans.Add((startedTimestamp, ended));
            }
        }
    }

    /// <summary>
    /// When each operation started and ended (<see cref="Stopwatch"/> timestamps), to set beside what the server did
    /// meanwhile; empty unless kept.
    /// </summary>
    public IReadOnlyList<(long Started, long Ended)> Spans
    {
        get
        {
            lock (_milliseconds)
            {
                return [.. _spans];
            }
        }
    }

    public int Count => _milliseconds.Count;

    public double Percentile(double p)
    {
        lock (_milliseconds)
        {
            return Percentile(_milliseconds, p);
        }
    }

    /// <summary>The value that a share <paramref name="p"/> of <paramref name="values"/> do not exceed (sorts them in place).</summary>
    public static double Percentile(List<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        return values[(int)Math.Min(values.Count - 1, Math.Ceiling(p * values.Count) - 1)];
    }
}
