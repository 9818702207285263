using CoopLedger.EventStore.Events;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// A read model kept from the global log: a pure fold of events plus the SQL that writes its result. The engine
/// calls it inside the transaction that also moves its checkpoint, so each event takes effect exactly once.
/// </summary>
public interface IProjection
{
    /// <summary>A stable name, e.g. <c>funding_per_year</c>.</summary>
    string Name { get; }

    /// <summary>Applies one event; throwing stops the projection visibly at that event (it is never skipped).</summary>
    Task ApplyAsync(NpgsqlConnection connection, RecordedEvent recorded, CancellationToken cancellationToken);
}
