using System.Collections.Concurrent;
using CoopLedger.EventStore.Events;
using Npgsql;

namespace CoopLedger.EventStore.Reading;

/// <summary>
/// Streams' events kept in memory once read: events never change once appended, so a later read only fetches the
/// versions after the last one cached (one indexed query that usually returns nothing) instead of reading and
/// deserializing the whole stream again. Bounded by a number of events; the least recently read streams go first.
/// </summary>
/// <remarks>
/// For commands and queries that fold history (as of a date, as known at an instant). Integrity checks and exports
/// read the database itself, so a row edited behind the store's back is still caught there.
/// </remarks>
public sealed class StreamCache
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly PostgresEventStore _store;
    private readonly int _capacity;

    /// <summary>The versions after those cached, of streams read without a connection: concurrent reads share a query.</summary>
    private readonly SharedLookups<(Guid StreamId, long After), IReadOnlyList<RecordedEvent>> _newer;
    private long _cachedEvents;
    private int _trimming;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> events.</summary>
    public StreamCache(PostgresEventStore store, int capacity = 500_000)
    {
        (_store, _capacity) = (store, capacity);
        _newer = new(ReadNewerAsync);
    }

    /// <summary>How many events are cached.</summary>
    public long Count => Interlocked.Read(ref _cachedEvents);

    /// <summary>
    /// Every event of the stream, in version order (empty when there is no such stream), as committed when asked: the
    /// versions after those cached are read in a query shared with the other reads under way (<see cref="SharedLookups{TKey, TValue}"/>).
    /// </summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadAsync(Guid streamId, CancellationToken cancellationToken) =>
        ReadAsync(async (options, cancel) => (await _newer.LookUpAsync((streamId, options.AfterVersion ?? 0), cancel).ConfigureAwait(false))!, streamId, cancellationToken);

    /// <summary>
    /// Every event of the stream as the caller's connection (and transaction) sees it: a command reads the history it
    /// decides on this way (after taking the stream's lock, when it does).
    /// </summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlConnection connection, Guid streamId, CancellationToken cancellationToken) =>
        ReadAsync((options, cancel) => _store.ReadStreamAsync(connection, streamId, options, cancel), streamId, cancellationToken);

    /// <summary>
    /// Several streams, each up to a version known to be committed (e.g. the last version of it a projection's batch
    /// holds), as the caller's connection sees them: what is cached is not read again, the rest comes in one round trip.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<RecordedEvent>>> ReadStreamsAsync(
        NpgsqlConnection connection, IReadOnlyDictionary<Guid, long> upToVersions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upToVersions);
        var cached = upToVersions.Keys.ToDictionary(id => id, EventsOf);
        var missing = upToVersions.Where(s => cached[s.Key].LastVersion < s.Value)
            .ToDictionary(s => s.Key, s => (After: cached[s.Key].LastVersion, UpTo: s.Value));
        var fetched = missing.Count == 0
            ? new Dictionary<Guid, List<RecordedEvent>>()
            : await _store.ReadStreamsAsync(connection, missing, null, cancellationToken).ConfigureAwait(false);
        var streams = new Dictionary<Guid, IReadOnlyList<RecordedEvent>>(upToVersions.Count);
        foreach (var (streamId, upTo) in upToVersions)
        {
            var events = fetched.TryGetValue(streamId, out var newer) ? Keep(streamId, cached[streamId], newer) : cached[streamId];
            streams[streamId] = events.LastVersion > upTo ? events.Take((int)upTo) : events;
        }

        return streams;
    }

    /// <summary>
    /// Extends cached streams with events known to be committed, such as a batch of the global log or what a committed
    /// append answered: a stream gains the versions that directly follow those cached without a query, and a stream not
    /// cached is cached when the events begin at its first version. Streams whose cached versions the events do not
    /// directly follow are left as they are (a later read fetches what they lack).
    /// </summary>
    /// <remarks>
    /// A projection's batch holds the events its partnerships' histories are read up to, just appended by commands:
    /// offered first, they need not be read and deserialized again for each read model. A command's append, offered
    /// once committed, lets the stream's next command decide without reading it (see <see cref="Cached"/>).
    /// </remarks>
    public void Offer(IEnumerable<RecordedEvent> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var events = committed as IReadOnlyList<RecordedEvent> ?? [.. committed];
        // Most offers are one command's append, one stream's events: grouping them cost each command more than the rest.
        if (OfOneStream(events))
        {
            Offer(events[0].StreamId, events);
            return;
        }

        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            Offer(stream.Key, [.. stream]);
        }
    }

    private static bool OfOneStream(IReadOnlyList<RecordedEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].StreamId != events[0].StreamId)
            {
                return false;
            }
        }

        return events.Count > 0;
    }

    /// <summary>Caches a stream's events newer than those cached, when they follow them without a gap.</summary>
    private void Offer(Guid streamId, IReadOnlyList<RecordedEvent> events)
    {
        var cached = EventsOf(streamId);
        var last = cached.LastVersion;
        List<RecordedEvent>? newer = null;
        for (var i = 0; i < events.Count; i++)
        {
            var recorded = events[i];
            if (recorded.Version <= last)
            {
                continue; // Cached already.
            }

            if (recorded.Version != last + 1 + (newer?.Count ?? 0))
            {
                return;
            }

            (newer ??= []).Add(recorded);
        }

        if (newer is not null)
        {
            Keep(streamId, cached, newer);
        }
    }

    /// <summary>
    /// The stream's events cached, without a query, or null when none are: every version up to the last cached, all
    /// committed, though others may have been appended since (by another process, or through a path that does not offer
    /// them here). A writer may decide on them when the database's version check will refuse its append should it be so.
    /// </summary>
    public IReadOnlyList<RecordedEvent>? Cached(Guid streamId)
    {
        if (!_entries.TryGetValue(streamId, out var entry))
        {
            return null;
        }

        // Read now: the least recently read streams are the first forgotten. Should a reader have cached more meanwhile,
        // its entry, just read as well, stays.
        _entries.TryUpdate(streamId, entry with { LastRead = Environment.TickCount64 }, entry);
        return entry.Events;
    }

    /// <summary>Each stream's versions after those asked for, in one query.</summary>
    private async Task<IReadOnlyDictionary<(Guid StreamId, long After), IReadOnlyList<RecordedEvent>>> ReadNewerAsync(
        IReadOnlyCollection<(Guid StreamId, long After)> wanted, CancellationToken cancellationToken)
    {
        // The same stream may be asked for after different versions: read it after the earliest.
        var ranges = wanted.GroupBy(w => w.StreamId).ToDictionary(g => g.Key, g => (After: g.Min(w => w.After), UpTo: long.MaxValue));
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var read = await _store.ReadStreamsAsync(connection, ranges, null, cancellationToken).ConfigureAwait(false);
        return wanted.ToDictionary(w => w, w => (IReadOnlyList<RecordedEvent>)[.. read[w.StreamId].Where(e => e.Version > w.After)]);
    }

    /// <summary>The stream's events cached, none when it is not.</summary>
    private GrowingHistory EventsOf(Guid streamId) => _entries.TryGetValue(streamId, out var entry) ? entry.Events : GrowingHistory.Empty;

    private async Task<IReadOnlyList<RecordedEvent>> ReadAsync(
        Func<StreamReadOptions, CancellationToken, Task<IReadOnlyList<RecordedEvent>>> read, Guid streamId, CancellationToken cancellationToken)
    {
        var cached = EventsOf(streamId);
        var newer = await read(new StreamReadOptions { AfterVersion = cached.LastVersion }, cancellationToken).ConfigureAwait(false);
        return Keep(streamId, cached, newer);
    }

    /// <summary>Caches a stream's events read after those cached; returns the whole history known.</summary>
    private GrowingHistory Keep(Guid streamId, GrowingHistory cached, IReadOnlyList<RecordedEvent> newer)
    {
        var events = cached.Append(newer);
        if (events.Count == 0)
        {
            return events;
        }

        var stored = new Entry(events, Environment.TickCount64);
        _entries.AddOrUpdate(streamId, stored, (_, previous) =>
        {
            // Another reader may have cached more meanwhile: keep the longer history.
            return previous.Events.Count > events.Count ? previous with { LastRead = stored.LastRead } : stored;
        });
        Interlocked.Add(ref _cachedEvents, newer.Count);
        if (Count > _capacity)
        {
            Trim();
        }

        return events;
    }

    /// <summary>Forgets the least recently read streams until a fifth of the capacity is free.</summary>
    private void Trim()
    {
        if (Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }

        try
        {
            // Concurrent readers may have counted a stream twice: start from the exact figure.
            Interlocked.Exchange(ref _cachedEvents, _entries.Values.Sum(e => (long)e.Events.Count));
            foreach (var (streamId, _) in _entries.OrderBy(e => e.Value.LastRead).ToList())
            {
                if (Count <= _capacity * 4L / 5)
                {
                    break;
                }

                if (_entries.TryRemove(streamId, out var removed))
                {
                    Interlocked.Add(ref _cachedEvents, -removed.Events.Count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
    }

    private sealed record Entry(GrowingHistory Events, long LastRead);
}
