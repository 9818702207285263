using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CoopLedger.EventStore.Telemetry;

/// <summary>The event store's activity source and meter, both named <c>CoopLedger.EventStore</c>.</summary>
public static class EventStoreTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "CoopLedger.EventStore";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("coopledger.eventstore.events_appended", "{event}", "Events appended to streams.");

    internal static readonly Histogram<double> AppendDuration =
        Meter.CreateHistogram<double>("coopledger.eventstore.append.duration", "s", "Time to append a batch of events.");

    internal static readonly Counter<long> Conflicts =
        Meter.CreateCounter<long>("coopledger.eventstore.conflicts", "{conflict}", "Appends refused for a version mismatch.");

    internal static readonly Counter<long> EventsRead =
        Meter.CreateCounter<long>("coopledger.eventstore.events_read", "{event}", "Events read from streams and the global log.");
}
