using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.Projections.History;
using Npgsql;
using NpgsqlTypes;

namespace CoopLedger.Projections.Partnerships;

/// <summary>
/// A read model kept per partnership, on both time axes: its rows hold over effective time (<c>validity</c>) and are
/// known over recorded time (<c>known</c>), so that reports answer "as of D, as known at T" with one indexed query.
/// The partnership's corrected stream is folded with the domain's own evolve (so revisions, corrections and dates
/// mean here exactly what they mean everywhere); each append that concerns the read model is replayed in order, and
/// the rows that it changes stop being known at its recorded instant while their successors start.
/// </summary>
/// <remarks>
/// Every table's first column is the entity a row describes, and its last two are <c>validity</c> (daterange) and
/// <c>known</c> (tstzrange): an entity's rows known at one time never overlap in validity, so (entity, first day of
/// validity) names the row to close when it stops being known. With a <see cref="StreamCache"/> (the one commands
/// use), a batch reads only the versions of its partnerships not seen before, instead of their whole histories.
/// </remarks>
public abstract class PartnershipReadModel(PostgresEventStore store, StreamCache? histories) : IProjection
{
    /// <summary>How many partnerships' timelines (and histories of the read model's types) are kept between live batches, at most.</summary>
    private const int MaxFollowed = 10_000;

    /// <summary>
    /// Per partnership, its timeline as the last live batch left it and the last event it folded: the next batch
    /// follows on from there instead of folding the partnership's whole history again, so a batch's cost no longer
    /// grows with the histories it touches.
    /// </summary>
    private readonly StreamMemo<(Guid LastEventId, IKnownRowSource Source)> _followed = new(MaxFollowed);

    /// <summary>
    /// Per partnership, the events of this read model's types among the first <c>Read</c> events of its history (the
    /// last of them <c>LastEventId</c>): the next batch filters only the events read since, not the whole history again.
    /// </summary>
    private readonly StreamMemo<(int Read, Guid LastEventId, GrowingHistory Events)> _ofTypes = new(MaxFollowed);
    private HashSet<string>? _eventTypes;
    private HashSet<Type>? _concerned;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract int Version { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<ProjectionTable> Tables { get; }

    /// <summary>The columns every table ends with.</summary>
    protected static IReadOnlyList<ProjectionColumn> TimeColumns { get; } = [new("validity", "daterange"), new("known", "tstzrange")];

    /// <summary>The index serving "as of D, as known at T" on a table.</summary>
    protected static ProjectionIndex BitemporalIndex { get; } = new("bitemporal", "USING gist (validity, known)");

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionTarget target, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(events);
        // Per stream the batch concerns: its first version in the batch (the replay starts at that append) and the
        // last one it concerns (the history is read up to there).
        var touched = events.GroupBy(e => e.StreamId).Where(g => g.Any(e => Concerns(e.Data)))
            .ToDictionary(g => g.Key, g => (From: g.Min(e => e.Version), To: g.Where(e => Concerns(e.Data)).Max(e => e.Version)));
        if (touched.Count == 0)
        {
            return;
        }

        var rows = new ProjectionRows();
        var ended = new List<(KnownRow Row, DateTimeOffset Until)>();
        foreach (var (partnershipId, history) in await HistoriesAsync(target, events, touched.ToDictionary(t => t.Key, t => t.Value.To), cancellationToken))
        {
            var from = touched[partnershipId].From;
            var followed = Followed(partnershipId, history, from);
            var source = followed ?? Source(partnershipId);
            var changes = KnownRows.Replay(history, from, Concerns, source, Corrected, sourceFollowsEarlier: followed is not null);
            Add(rows, changes.Spans);
            ended.AddRange(changes.Ended);
            Follow(partnershipId, history, source);
            // A batch folds hundreds of partnerships: between two, whatever else is queued where it runs goes first (the
            // requests queued on the thread pool, when it runs there rather than on the daemons' thread of lower priority).
            await Task.Yield();
        }

        await EndAsync(target, ended, cancellationToken);
        await target.ReplaceAsync(Array.Empty<Guid>(), rows, cancellationToken);
    }

    /// <summary>
    /// The partnership's timeline as the last batch left it, when it has followed exactly the events this batch's
    /// replay starts after (its last folded event is the last one before the batch); otherwise (first batch,
    /// leadership taken over from another instance, a batch rolled back after its replay) none, and the replay folds
    /// the history before the batch again.
    /// </summary>
    private IKnownRowSource? Followed(Guid partnershipId, IReadOnlyList<RecordedEvent> history, long fromVersion)
    {
        // Taken out while replayed: a rebuild's catch-up may apply a batch beside the live one.
        if (!_followed.TryTake(partnershipId, out var kept))
        {
            return null;
        }

        // By event id, not version: an inline projection replays events in their append's transaction, and should
        // that roll back, another writer's events may take the same versions.
        var lastBefore = history.LastOrDefault(e => e.Version < fromVersion && Concerns(e.Data));
        return lastBefore is not null && kept.LastEventId == lastBefore.EventId ? kept.Source : null;
    }

    /// <summary>Keeps the timeline for the next batch, with the last event it folded.</summary>
    private void Follow(Guid partnershipId, IReadOnlyList<RecordedEvent> history, IKnownRowSource source)
    {
        if (history.LastOrDefault(e => Concerns(e.Data)) is not { } last)
        {
            return;
        }

        // Bounded: a partnership forgotten is followed again from its next batch.
        _followed.Keep(partnershipId, (last.EventId, source));
    }

    /// <summary>The touched partnerships' histories up to the versions given, only the event types this read model uses.</summary>
    /// <remarks>
    /// Events not yet committed (an inline application) are read from the database, not through the stream cache:
    /// should their transaction roll back, commands would otherwise decide on events that never were. Committed ones
    /// (the batch's) are offered to the cache first, so that what it lacks of them is not read again.
    /// </remarks>
    private async Task<IEnumerable<(Guid, IReadOnlyList<RecordedEvent>)>> HistoriesAsync(
        ProjectionTarget target, IReadOnlyList<RecordedEvent> batch, Dictionary<Guid, long> upTo, CancellationToken cancellationToken)
    {
        var connection = target.Connection;
        if (histories is null || !target.EventsCommitted)
        {
            var read = await store.ReadStreamsAsync(connection, upTo.ToDictionary(s => s.Key, s => (0L, s.Value)), EventTypes, cancellationToken);
            return read.Select(s => (s.Key, (IReadOnlyList<RecordedEvent>)s.Value));
        }

        // The same events as the read above would give: the replay then folds exactly the same history.
        histories.Offer(batch);
        var streams = await histories.ReadStreamsAsync(connection, upTo, cancellationToken);
        return streams.Select(s => (s.Key, (IReadOnlyList<RecordedEvent>)OfTypes(s.Key, s.Value)));
    }

    /// <summary>The events of this read model's types in a history read through the stream cache.</summary>
    private GrowingHistory OfTypes(Guid partnershipId, IReadOnlyList<RecordedEvent> history)
    {
        if (history.Count == 0)
        {
            return GrowingHistory.Empty;
        }

        // The cache only ever adds versions, but a batch may ask for a shorter history than the last one (a rebuild's
        // catch-up beside the live batches): then the kept events do not apply and the whole history is filtered.
        var (read, events) = _ofTypes.TryGet(partnershipId, out var kept) && kept.Read <= history.Count && history[kept.Read - 1].EventId == kept.LastEventId
            ? (kept.Read, kept.Events)
            : (0, GrowingHistory.Empty);
        var newer = new List<RecordedEvent>();
        for (var i = read; i < history.Count; i++)
        {
            if (TypeNames.Contains(history[i].Type))
            {
                newer.Add(history[i]);
            }
        }

        events = events.Append(newer);
        _ofTypes.Keep(partnershipId, (history.Count, history[^1].EventId, events));
        return events;
    }

    /// <inheritdoc />
    /// <remarks>Each partnership's rows are written as soon as its history is replayed: none wait for others' (see <see cref="ProjectionLoad"/>).</remarks>
    public async Task LoadAsync(ProjectionLoad load, IAsyncEnumerable<RecordedEvent> eventsByStream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
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

        if (history.Count > 0)
        {
            await AddStreamAsync();
        }

        async Task AddStreamAsync()
        {
            Add(rows, KnownRows.Replay(history, 1, Concerns, Source(history[0].StreamId), Corrected).Spans);
            history.Clear();
            await load.WriteAsync(rows, cancellationToken);
        }
    }

    /// <inheritdoc />
    /// <remarks>The events that can change its rows: the others neither are read nor folded.</remarks>
    public IReadOnlyCollection<string> EventTypes => TypeNames;

    private HashSet<string> TypeNames => _eventTypes ??= ConcernedTypes.Select(t => store.Types.Describe(t).Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The event types that can change this read model; corrections always can, and must be listed.</summary>
    protected abstract IReadOnlyList<Type> ConcernedTypes { get; }

    /// <summary>Whether an event can change this read model.</summary>
    protected bool Concerns(object data) => (_concerned ??= [.. ConcernedTypes]).Contains(data?.GetType()!);

    /// <summary>The partnership's rows over effective time, to follow its history append by append.</summary>
    protected abstract IKnownRowSource Source(Guid partnershipId);

    private IReadOnlyList<RecordedEvent> Corrected(IReadOnlyList<RecordedEvent> history) => CorrectedHistory.Apply(history, store.Types);

    private static void Add(ProjectionRows rows, IEnumerable<KnownSpan> spans)
    {
        foreach (var span in spans)
        {
            var known = span.Until is { } until
                ? new NpgsqlRange<DateTime>(span.From.UtcDateTime, true, until.UtcDateTime, false)
                : new NpgsqlRange<DateTime>(span.From.UtcDateTime, true, false, default, false, true);
            rows.Add(span.Row.Table, [.. span.Row.Values, known]);
        }
    }

    /// <summary>
    /// Rows written earlier that stop being known: their known range is closed at that instant (or, when they became
    /// known at that same instant — a batch that ended in the middle of an append — they are removed).
    /// </summary>
    private async Task EndAsync(ProjectionTarget target, IReadOnlyList<(KnownRow Row, DateTimeOffset Until)> ended, CancellationToken cancellationToken)
    {
        foreach (var table in ended.GroupBy(e => e.Row.Table))
        {
            var id = Tables.Single(t => t.Name == table.Key).Columns[0].Name;
            var parameters = new object[]
            {
                table.Select(e => e.Row.Id).ToArray(), table.Select(e => e.Row.ValidFrom).ToArray(), table.Select(e => e.Until.UtcDateTime).ToArray(),
            };
            await using var batch = new NpgsqlBatch(target.Connection)
            {
                BatchCommands =
                {
                    Command($"""
                        DELETE FROM {target.Schema}.{table.Key} t USING unnest($1::uuid[], $2::date[], $3::timestamptz[]) AS e (id, valid_from, until)
                        WHERE t.{id} = e.id AND lower(t.validity) = e.valid_from AND upper_inf(t.known) AND lower(t.known) >= e.until
                        """, parameters),
                    Command($"""
                        UPDATE {target.Schema}.{table.Key} t SET known = tstzrange(lower(t.known), e.until)
                        FROM unnest($1::uuid[], $2::date[], $3::timestamptz[]) AS e (id, valid_from, until)
                        WHERE t.{id} = e.id AND lower(t.validity) = e.valid_from AND upper_inf(t.known)
                        """, parameters),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        static NpgsqlBatchCommand Command(string sql, object[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            return command;
        }
    }
}
