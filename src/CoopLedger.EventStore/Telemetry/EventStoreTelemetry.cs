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

    /// <summary>
    /// Registers a projection's lag: in seconds (how old the last event it applied was when it applied it; 0 when caught
    /// up), and in events (its backlog: committed events it has not applied, as last counted).
    /// </summary>
    internal static void ObserveLag(string projection, Func<double> lagSeconds, Func<long> backlog)
    {
        var tag = new KeyValuePair<string, object?>("coopledger.projection", projection);
        Meter.CreateObservableGauge("coopledger.projection.lag", () => new Measurement<double>(lagSeconds(), tag), "s", "How far behind the newest events a projection is.");
        Meter.CreateObservableGauge("coopledger.projection.backlog", () => new Measurement<long>(backlog(), tag), "{event}",
            $"Committed events a projection has not applied yet (counted up to {Projections.ProjectionDaemon.BacklogCountedUpTo}).");
    }

    internal static readonly Counter<long> EventsAppended =
        Meter.CreateCounter<long>("coopledger.eventstore.events_appended", "{event}", "Events appended to streams.");

    internal static readonly Histogram<double> AppendDuration =
        Meter.CreateHistogram<double>("coopledger.eventstore.append.duration", "s", "Time to append a batch of events.");

    internal static readonly Histogram<int> AppendGroupSize =
        Meter.CreateHistogram<int>("coopledger.eventstore.append.group_size", "{append}", "Appends committed together in one group.");

    internal static readonly Counter<long> Conflicts =
        Meter.CreateCounter<long>("coopledger.eventstore.conflicts", "{conflict}", "Appends refused for a version mismatch.");

    internal static readonly Histogram<int> ProjectionBatchSize =
        Meter.CreateHistogram<int>("coopledger.projection.batch.size", "{event}", "Events applied per projection batch.");

    internal static readonly Histogram<double> ProjectionBatchDuration =
        Meter.CreateHistogram<double>("coopledger.projection.batch.duration", "s", "Time to apply and commit a projection batch.");

    internal static readonly Counter<long> ProjectionFailures =
        Meter.CreateCounter<long>("coopledger.projection.failures", "{failure}", "Projections stopped on an event they could not apply.");

    internal static readonly Counter<long> EventsRead =
        Meter.CreateCounter<long>("coopledger.eventstore.events_read", "{event}", "Events read from streams and the global log.");
}
