using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.History;

namespace CoopLedger.Projections.Partnerships;

/// <summary>
/// A read model kept per partnership: the partnership's corrected stream is folded with the domain's own evolve
/// (so revisions, corrections and dates mean here exactly what they mean everywhere) and its rows are replaced.
/// Live, each partnership a batch concerns is refolded once, up to its last event in the batch; in a rebuild, each
/// stream is folded once as it streams by. The pure fold is the domain's; the rows are the subclass's.
/// </summary>
public abstract class PartnershipReadModel(PostgresEventStore store) : IProjection
{
    /// <summary>How many rows a rebuild gathers before writing them.</summary>
    private const int RowsPerWrite = 20_000;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract int Version { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<ProjectionTable> Tables { get; }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionTarget target, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(events);
        var upTo = new Dictionary<Guid, long>();
        foreach (var recorded in events.Where(e => Concerns(e.Data)))
        {
            upTo[recorded.StreamId] = Math.Max(upTo.GetValueOrDefault(recorded.StreamId), recorded.Version);
        }

        if (upTo.Count == 0)
        {
            return;
        }

        var rows = new ProjectionRows();
        foreach (var (partnershipId, history) in await store.ReadStreamsAsync(target.Connection, upTo, cancellationToken))
        {
            AddRows(rows, partnershipId, CorrectedHistory.Apply(history, store.Types));
        }

        await target.ReplaceAsync(upTo.Keys, rows, cancellationToken);
    }

    /// <inheritdoc />
    public async Task LoadAsync(ProjectionTarget target, IAsyncEnumerable<RecordedEvent> eventsByStream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(eventsByStream);
        var rows = new ProjectionRows();
        var history = new List<RecordedEvent>();
        await foreach (var recorded in eventsByStream.WithCancellation(cancellationToken))
        {
            if (history.Count > 0 && history[0].StreamId != recorded.StreamId)
            {
                await AddStreamAsync();
            }

            history.Add(recorded);
        }

        await AddStreamAsync();
        await target.ReplaceAsync(Array.Empty<Guid>(), rows, cancellationToken);

        async Task AddStreamAsync()
        {
            if (history.Count > 0)
            {
                AddRows(rows, history[0].StreamId, CorrectedHistory.Apply(history, store.Types));
                history.Clear();
            }

            if (rows.Count >= RowsPerWrite)
            {
                await target.ReplaceAsync(Array.Empty<Guid>(), rows, cancellationToken);
            }
        }
    }

    /// <summary>Whether an event can change this read model (corrections always can).</summary>
    protected abstract bool Concerns(object data);

    /// <summary>Adds the partnership's rows, from its history with corrections applied (in version order).</summary>
    protected abstract void AddRows(ProjectionRows rows, Guid partnershipId, IReadOnlyList<RecordedEvent> correctedHistory);

    /// <summary>The partnership's state as it now stands.</summary>
    protected static PartnershipState Fold(IReadOnlyList<RecordedEvent> correctedHistory) =>
        PartnershipEvolution.Fold(correctedHistory.Select(e => e.Data));
}
