using System.Diagnostics.Metrics;

namespace CoopLedger.Bench;

/// <summary>
/// The mean size of the store's group commits over a stretch of the benchmark, read from the store's own histogram
/// (<c>coopledger.eventstore.append.group_size</c>): how many appends shared each transaction.
/// </summary>
internal sealed class GroupSizeMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _groups;
    private long _appends;

    public GroupSizeMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "coopledger.eventstore.append.group_size")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
        {
            Interlocked.Increment(ref _groups);
            Interlocked.Add(ref _appends, size);
        });
        _listener.Start();
    }

    /// <summary>Appends per group since the meter started; 0 when no group went out (raw inserts).</summary>
    public double Mean => Interlocked.Read(ref _groups) is > 0 and var groups ? (double)Interlocked.Read(ref _appends) / groups : 0;

    public void Dispose() => _listener.Dispose();
}
