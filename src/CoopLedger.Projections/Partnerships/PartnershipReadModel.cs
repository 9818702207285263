using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.Projections.History;
using Npgsql;

namespace CoopLedger.Projections.Partnerships;

/// <summary>
/// A read model kept per partnership: on each event that concerns it, the partnership's corrected stream is folded
/// again up to that event with the domain's own evolve (so revisions, corrections and dates mean here exactly what
/// they mean everywhere), and its rows are rewritten. The pure fold is the domain's; the SQL writer is the subclass's.
/// </summary>
public abstract class PartnershipReadModel(PostgresEventStore store) : IProjection
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public async Task ApplyAsync(NpgsqlConnection connection, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (!Concerns(recorded.Data))
        {
            return;
        }

        var history = await store.ReadStreamAsync(connection, recorded.StreamId, new StreamReadOptions { UpToVersion = recorded.Version }, cancellationToken);
        var state = PartnershipEvolution.Fold(CorrectedHistory.Apply(history, store.Types).Select(e => e.Data));
        await WriteAsync(connection, recorded.StreamId, state, cancellationToken);
    }

    /// <summary>Whether an event can change this read model (corrections always can).</summary>
    protected abstract bool Concerns(object data);

    /// <summary>Replaces the partnership's rows with those of its state.</summary>
    protected abstract Task WriteAsync(NpgsqlConnection connection, Guid partnershipId, PartnershipState state, CancellationToken cancellationToken);
}
