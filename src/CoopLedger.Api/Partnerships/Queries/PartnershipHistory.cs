using CoopLedger.Projections.History;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Reading;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>
/// A partnership folded as of an effective date and as known at a recorded instant; <paramref name="Current"/> when
/// every event recorded so far is in it (a <c>knownAt</c> not before the last), the fold that is kept between reads.
/// </summary>
public sealed record PartnershipAsOf(PartnershipState State, long Version, DateOnly AsOf, DateTimeOffset KnownAt, bool Current);

/// <summary>Folds a partnership's stream for a query, on both time axes.</summary>
public sealed class PartnershipHistory(PostgresEventStore store, StreamCache streams, TimeProvider clock)
{
    /// <summary>
    /// Per partnership, its last fold of its whole history: the same history (by version) as of the same day folds the
    /// same, so reading an unchanged partnership again costs no refold (which grew with its history: sorting,
    /// corrections and evolving every event on each read), nor a look at every event's recorded instant (9% of the
    /// service's CPU under reads).
    /// </summary>
    private readonly StreamMemo<(long Version, DateOnly AsOf, PartnershipState State, DateTimeOffset LatestRecordedAt)> _kept = new(50_000);

    /// <summary>
    /// The events recorded by <paramref name="knownAt"/>, corrected by the corrections recorded by then, and
    /// effective by the end of <paramref name="asOf"/>, folded in effective order (version breaking ties). The
    /// registration always counts: it says the partnership exists, whatever date it was entered with. Null when no
    /// such partnership is known.
    /// </summary>
    public async Task<PartnershipAsOf?> LoadAsync(Guid id, DateOnly? asOf, DateTimeOffset? knownAt, CancellationToken cancellationToken)
    {
        if (asOf is { Year: < Years.First or > Years.Last })
        {
            throw new BadHttpRequestException($"asOf must be a date from {Years.First} to {Years.Last}.");
        }

        var now = clock.GetUtcNow();
        var day = asOf ?? DateOnly.FromDateTime(now.UtcDateTime);
        var known = knownAt ?? now;
        var endOfDay = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var stream = await streams.ReadAsync(id, cancellationToken);
        // Usually (knownAt now) the partnership's whole history, read before: its kept fold says when its latest event
        // was recorded, so that a read of an unchanged partnership does not look at every event's instant again.
        if (stream.Count > 0 && _kept.TryGet(id, out var kept) && kept.Version == stream[^1].Version && kept.AsOf == day && kept.LatestRecordedAt <= known)
        {
            return new PartnershipAsOf(kept.State, kept.Version, day, known, Current: true);
        }

        var latestRecordedAt = stream.Count > 0 ? stream.Max(e => e.RecordedAt) : DateTimeOffset.MinValue;
        // Then every event, or those recorded by knownAt: the history itself in the first case, not a copy of it.
        var whole = latestRecordedAt <= known;
        var recorded = whole ? stream : stream.Where(e => e.RecordedAt <= known).ToList();
        if (recorded.Count == 0)
        {
            return null;
        }

        var version = recorded[^1].Version;
        var corrected = CorrectedHistory.Apply(recorded, store.Types);
        var effective = corrected.Where(e => e.Version == 1 || e.EffectiveAt < endOfDay)
            .OrderBy(e => e.Version == 1 ? 0 : 1).ThenBy(e => e.EffectiveAt).ThenBy(e => e.Version);
        var state = PartnershipEvolution.Fold(effective.Select(e => e.Data));
        // Only a fold of the whole history is kept: a knownAt before the latest event reads a history of its own.
        if (whole)
        {
            _kept.Keep(id, (version, day, state, latestRecordedAt));
        }

        return new PartnershipAsOf(state, version, day, known, whole);
    }
}
