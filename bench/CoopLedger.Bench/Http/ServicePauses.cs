using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CoopLedger.Bench.Http;

/// <summary>One stop of the service's threads for a garbage collection, from suspension to restart (UTC).</summary>
internal readonly record struct ServicePause(DateTime Started, DateTime Ended, int Generation)
{
    public double Milliseconds => (Ended - Started).TotalMilliseconds;
}

/// <summary>
/// The service's garbage-collector pauses, read from its runtime's event pipe (the runtime's own GC events, as
/// <c>dotnet-trace</c> collects them): every request in flight waits for a pause, so the benchmark can say how much of a
/// level's p99 they make. Requests are set beside the pauses by wall clock: both processes read the same clock.
/// </summary>
internal sealed class ServicePauses : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _events;
    private readonly Task _reading;
    private readonly List<ServicePause> _pauses = [];
    private readonly (DateTime Utc, long Timestamp) _anchor = (DateTime.UtcNow, Stopwatch.GetTimestamp());
    private DateTime? _suspended;
    private int _generation;

    private ServicePauses(EventPipeSession session)
    {
        _session = session;
        _events = new EventPipeEventSource(session.EventStream);
        _events.Clr.GCSuspendEEStart += e => _suspended = e.TimeStamp.ToUniversalTime();
        _events.Clr.GCStart += e => _generation = e.Depth;
        _events.Clr.GCRestartEEStop += e =>
        {
            if (_suspended is { } started)
            {
                lock (_pauses)
                {
                    _pauses.Add(new ServicePause(started, e.TimeStamp.ToUniversalTime(), _generation));
                }
            }

            (_suspended, _generation) = (null, 0);
        };
        _reading = Task.Run(Read);
    }

    private void Read()
    {
        try
        {
            _events.Process();
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException or IOException)
        {
            // The service exited before the session was stopped: the pauses read until then stay.
        }
    }

    /// <summary>Starts watching the process; null (and why, on the error output) when its runtime cannot be reached.</summary>
    public static ServicePauses? Watch(int processId)
    {
        try
        {
            var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            return new ServicePauses(new DiagnosticsClient(processId).StartEventPipeSession([provider], requestRundown: false));
        }
        catch (Exception error) when (error is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            Console.Error.WriteLine($"The service's GC pauses are not measured: {error.Message}");
            return null;
        }
    }

    /// <summary>What the pauses did to a level's requests (<see cref="LatencyRecorder.Spans"/>).</summary>
    public PauseShare Over(IReadOnlyList<(long Started, long Ended)> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return new PauseShare(0, 0, 0, 0, 0, 0, 0, 0);
        }

        var (from, until) = (Utc(requests.Min(r => r.Started)), Utc(requests.Max(r => r.Ended)));
        ServicePause[] pauses;
        lock (_pauses)
        {
            pauses = [.. _pauses.Where(p => p.Ended > from && p.Started < until).OrderBy(p => p.Started)];
        }

        var latencies = new List<double>(requests.Count);
        var untouched = new List<double>(requests.Count);
        foreach (var (started, ended) in requests)
        {
            var milliseconds = Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds;
            latencies.Add(milliseconds);
            if (!Overlaps(pauses, Utc(started), Utc(ended)))
            {
                untouched.Add(milliseconds);
            }
        }

        var paused = pauses.Sum(p => p.Milliseconds);
        return new PauseShare(pauses.Length, pauses.Count(p => p.Generation > 0), paused / (until - from).TotalMilliseconds,
            pauses.Length == 0 ? 0 : pauses.Max(p => p.Milliseconds), 1 - ((double)untouched.Count / requests.Count),
            LatencyRecorder.Percentile(latencies, 0.99), LatencyRecorder.Percentile(untouched, 0.99), pauses.Length == 0 ? 0 : LatencyRecorder.Percentile([.. pauses.Where(p => p.Generation == 0).Select(p => p.Milliseconds)], 0.5));
    }

    /// <summary>Stops the session; the pauses read so far stay.</summary>
    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception error) when (error is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The service has exited first: its pipe is gone, and the reading has ended with it.
        }

        _reading.Wait(TimeSpan.FromSeconds(10));
        _events.Dispose();
        _session.Dispose();
    }

    private DateTime Utc(long timestamp) => _anchor.Utc + Stopwatch.GetElapsedTime(_anchor.Timestamp, timestamp);

    private static bool Overlaps(ServicePause[] pauses, DateTime started, DateTime ended)
    {
        // The first pause ending after the request started (pauses never overlap one another).
        var (low, high) = (0, pauses.Length);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            (low, high) = pauses[middle].Ended <= started ? (middle + 1, high) : (low, middle);
        }

        return low < pauses.Length && pauses[low].Started < ended;
    }
}

/// <summary>
/// A level's pauses: how many (and how many collected more than generation 0), the share of the level's time they
/// stopped the service, the longest, the median generation-0 one; the share of requests in flight during one; the p99
/// of every request and of those no pause reached.
/// </summary>
internal sealed record PauseShare(
    int Pauses, int OlderGenerations, double PausedShare, double LongestMilliseconds, double RequestsPausedShare, double P99, double P99Unpaused,
    double MedianGen0Milliseconds);
