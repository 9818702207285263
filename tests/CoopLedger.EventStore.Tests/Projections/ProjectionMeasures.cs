using System.Diagnostics.Metrics;
using System.Globalization;
using CoopLedger.EventStore.Telemetry;

namespace CoopLedger.EventStore.Tests.Projections;

/// <summary>Every measurement of the event store's <c>coopledger.projection.*</c> instruments, with its projection tag, while it listens.</summary>
internal sealed class ProjectionMeasures : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, string? Projection)> _taken = [];

    public ProjectionMeasures()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EventStoreTelemetry.Name && instrument.Name.StartsWith("coopledger.projection.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>(Record);
        _listener.SetMeasurementEventCallback<long>(Record);
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.Start();
    }

    /// <summary>What was measured so far.</summary>
    public IReadOnlyList<(string Instrument, double Value, string? Projection)> Taken
    {
        get
        {
            lock (_taken)
            {
                return [.. _taken];
            }
        }
    }

    /// <summary>Reads the gauges now.</summary>
    public void ObserveGauges() => _listener.RecordObservableInstruments();

    /// <summary>The last value an instrument measured for a projection, if any.</summary>
    public double? Last(string instrument, string projection) =>
        Taken.Where(m => m.Instrument == instrument && m.Projection == projection).Select(m => (double?)m.Value).LastOrDefault();

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? projection = null;
        foreach (var tag in tags)
        {
            projection = tag.Key == "coopledger.projection" ? (string?)tag.Value : projection;
        }

        lock (_taken)
        {
            _taken.Add((instrument.Name, Convert.ToDouble(value, CultureInfo.InvariantCulture), projection));
        }
    }
}
