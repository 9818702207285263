using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CoopLedger.Bench.Http;

/// <summary>
/// One stop of the service's threads for a garbage collection, from suspension to restart (<see cref="Stopwatch"/>
/// timestamps); the generation collected, or -1 when the stop collected none (a background collection's last stop).
/// </summary>
internal readonly record struct ServicePause(long Started, long Ended, int Generation)
{
    public double Milliseconds => Stopwatch.GetElapsedTime(Started, Ended).TotalMilliseconds;
}

/// <summary>
/// The service's garbage-collector pauses, read from its runtime's event pipe (the runtime's own GC events, as
/// <c>dotnet-trace</c> collects them): a request in flight during a pause waits for it, so the benchmark can say how much
/// of a level's p99 they may make. Requests are set beside the pauses by the monotonic clock both processes read (the
/// trace's QPC ticks): the trace's wall-clock times are anchored to the millisecond only.
/// </summary>
internal sealed class ServicePauses : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _events;
    private readonly Task _reading;
    private readonly List<ServicePause> _pauses = [];
    private long? _suspended;
    private int _generation = -1;

    private ServicePauses(EventPipeSession session)
    {
        _session = session;
        _events = new EventPipeEventSource(session.EventStream);
        _events.Clr.GCSuspendEEStart += e =>
        {
            // The runtime stops its threads for other reasons too (tiered compilation's call counting, ...): not the collector's.
            if (e.Reason is GCSuspendEEReason.SuspendForGC or GCSuspendEEReason.SuspendForGCPrep)
            {
                _suspended = Timestamp(e);
            }
        };
        _events.Clr.GCStart += e => _generation = e.Depth;
        _events.Clr.GCRestartEEStop += e =>
        {
            if (_suspended is { } started)
            {
                lock (_pauses)
                {
                    _pauses.Add(new ServicePause(started, Timestamp(e), _generation));
                }
            }

            (_suspended, _generation) = (null, -1);
        };
        _reading = Task.Run(Read);
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
            return new PauseShare(0, 0, 0, 0, 0, double.NaN, double.NaN, double.NaN);
        }

        var (from, until) = (requests.Min(r => r.Started), requests.Max(r => r.Ended));
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
            if (!Overlaps(pauses, started, ended))
            {
                untouched.Add(milliseconds);
            }
        }

        return new PauseShare(pauses.Length, pauses.Count(p => p.Generation > 0), pauses.Sum(p => p.Milliseconds) / Stopwatch.GetElapsedTime(from, until).TotalMilliseconds,
            pauses.Length == 0 ? 0 : pauses.Max(p => p.Milliseconds), 1 - ((double)untouched.Count / requests.Count),
            LatencyRecorder.Percentile(latencies, 0.99), LatencyRecorder.Percentile(untouched, 0.99),
            LatencyRecorder.Percentile([.. pauses.Where(p => p.Generation == 0).Select(p => p.Milliseconds)], 0.5));
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

    private void Read()
    {
        try
        {
            _events.Process();
        }
        catch (Exception error) when (error is FormatException or EndOfStreamException or IOException or InvalidOperationException)
        {
            // The service exited before the session was stopped: the pauses read until then stay.
        }
    }

    /// <summary>
    /// An event's time as a <see cref="Stopwatch"/> timestamp: the runtime stamps its events with the clock that
    /// <see cref="Stopwatch"/> reads (QueryPerformanceCounter; CLOCK_MONOTONIC in nanoseconds on Linux), in every process.
    /// </summary>
#pragma warning disable CS0618 // TimeStampQPC is discouraged for its units varying by platform: they are Stopwatch's here.
    private static long Timestamp(TraceEvent e) => e.TimeStampQPC;
#pragma warning restore CS0618

    private static bool Overlaps(ServicePause[] pauses, long started, long ended)
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
/// A level's pauses: how many (and how many collected generation 1 or 2), the share of the level's time they stopped
/// the service, the longest, the median generation-0 one; the share of requests in flight during one; the p99 of every
/// request and of those no pause reached (longer requests meet pauses more often whatever made them long, so the
/// difference is an upper bound on what the pauses add to the p99).
/// </summary>
internal sealed record PauseShare(
    int Pauses, int OlderGenerations, double PausedShare, double LongestMilliseconds, double RequestsPausedShare, double P99, double P99Unpaused,
    double MedianGen0Milliseconds);
