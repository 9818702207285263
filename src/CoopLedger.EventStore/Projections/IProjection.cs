using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// A read model kept from the global log: a pure fold of events plus the rows it writes into tables it declares.
/// The engine owns the tables (one PostgreSQL schema per projection, named after it), so that it can build a new
/// generation beside the serving one and swap them atomically.
/// </summary>
public interface IProjection
{
    /// <summary>A stable name, e.g. <c>funding_per_year</c>; also the name of the schema that holds its tables.</summary>
    string Name { get; }

    /// <summary>
    /// The version of its tables and fold: raising it makes the next start rebuild the projection from the log
    /// (while the previous generation keeps serving).
    /// </summary>
    int Version { get; }

    /// <summary>The tables it writes.</summary>
    IReadOnlyList<ProjectionTable> Tables { get; }

    /// <summary>
    /// The stored names of the only event types it can use, or null for all: a rebuild then reads and deserializes
    /// just those (the others are still in the live batches, to be ignored).
    /// </summary>
    IReadOnlyCollection<string>? EventTypes => null;

    /// <summary>
    /// Applies events in commit order, inside the transaction that moves the checkpoint; throwing stops the
    /// projection visibly (the engine then retries event by event to name the one at fault; it never skips it).
    /// </summary>
    Task ApplyAsync(ProjectionTarget target, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Builds the tables from scratch from every stream's events, given stream by stream in version order (the
    /// fastest order for a fold), writing rows into <paramref name="load"/> as they come: the tables are empty and
    /// have no keys nor secondary indexes yet.
    /// </summary>
    Task LoadAsync(ProjectionLoad load, IAsyncEnumerable<RecordedEvent> eventsByStream, CancellationToken cancellationToken);
}
