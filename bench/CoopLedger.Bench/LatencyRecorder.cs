using System.Diagnostics;

namespace CoopLedger.Bench;

/// <summary>Collects operation latencies from concurrent workers and summarizes them.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];

    public void Record(long startedTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed);
        }
    }

    public int Count => _milliseconds.Count;

    public double Percentile(double p)
    {
        lock (_milliseconds)
        {
            if (_milliseconds.Count == 0)
            {
                return double.NaN;
            }

            _milliseconds.Sort();
            return _milliseconds[(int)Math.Min(_milliseconds.Count - 1, Math.Ceiling(p * _milliseconds.Count) - 1)];
        }
    }
}
