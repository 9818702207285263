using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.History;

namespace CoopLedger.Projections.Partnerships;

/// <summary>
/// Rows a rebuild's load adds up from the rows it writes (totals that triggers keep from then on, say), instead of
/// PostgreSQL reading every row back to add them up once the load is over.
/// </summary>
public interface ILoadSummary
{
    /// <summary>Counts a row the load writes, with the recorded instants during which it is known.</summary>
    void Add(KnownSpan span);

    /// <summary>Adds the summary's rows, once every row is counted.</summary>
    void AddRowsTo(ProjectionRows rows);
}
