using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Reading;

public sealed class StreamCacheTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_cached_stream_gains_the_events_appended_since_and_equals_a_fresh_read()
    {
        var cache = new StreamCache(Store);
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        Assert.Equal(2, (await cache.ReadAsync(stream, Cancel)).Count);

        await AppendAsync(stream, ExpectedVersion.Exactly(2), TestEvents.Notes("c"));
        var cached = await cache.ReadAsync(stream, Cancel);

        var fresh = await Store.ReadStreamAsync(stream, null, Cancel);
        Assert.Equal(fresh.Select(e => (e.EventId, e.Version, e.Hash.Length)), cached.Select(e => (e.EventId, e.Version, e.Hash.Length)));
        Assert.Empty(await cache.ReadAsync(Guid.NewGuid(), Cancel));
    }

    [Fact]
    public async Task Several_streams_read_up_to_given_versions_equal_fresh_reads_whether_cached_or_not()
    {
        var cache = new StreamCache(Store);
        var (cachedAhead, cachedBehind, unseen) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var stream in new[] { cachedAhead, cachedBehind, unseen })
        {
            await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        }

        await cache.ReadAsync(cachedAhead, Cancel);
        await cache.ReadAsync(cachedBehind, Cancel);
        await AppendAsync(cachedAhead, ExpectedVersion.Exactly(2), TestEvents.Notes("c"));
        await cache.ReadAsync(cachedAhead, Cancel);
        await AppendAsync(cachedBehind, ExpectedVersion.Exactly(2), TestEvents.Notes("c", "d"));
        await AppendAsync(unseen, ExpectedVersion.Exactly(2), TestEvents.Notes("c"));

        await using var connection = await Database.DataSource.OpenConnectionAsync(Cancel);
        var upTo = new Dictionary<Guid, long> { [cachedAhead] = 2, [cachedBehind] = 3, [unseen] = 3 };
        var read = await cache.ReadStreamsAsync(connection, upTo, Cancel);

        foreach (var (stream, version) in upTo)
        {
            var fresh = await Store.ReadStreamAsync(stream, new StreamReadOptions { UpToVersion = version }, Cancel);
            Assert.Equal(fresh.Select(e => (e.EventId, e.Version)), read[stream].Select(e => (e.EventId, e.Version)));
        }

        // What was fetched is kept (3 + 2 cached before, then the third of one and the three of the unseen one).
        Assert.Equal(9, cache.Count);
    }

    [Fact]
    public async Task Offered_committed_events_that_follow_the_cached_versions_are_served_without_a_query()
    {
        var cache = new StreamCache(Store);
        var (followed, gapped, unseen) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var stream in new[] { followed, gapped, unseen })
        {
            await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));
        }

        await cache.ReadAsync(followed, Cancel);
        await cache.ReadAsync(gapped, Cancel);
        foreach (var stream in new[] { followed, gapped, unseen })
        {
            await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("b", "c"));
        }

        var committed = new List<RecordedEvent>();
        foreach (var stream in new[] { followed, gapped, unseen })
        {
            var newer = await Store.ReadStreamAsync(stream, new StreamReadOptions { AfterVersion = 1 }, Cancel);
            // The gapped stream is offered its third version only: the second is missing between.
            committed.AddRange(stream == gapped ? newer.Skip(1) : newer);
        }

        cache.Offer(committed);

        // A connection never opened: any query on it throws.
        await using var closed = Database.DataSource.CreateConnection();
        var served = await cache.ReadStreamsAsync(closed, new Dictionary<Guid, long> { [followed] = 3 }, Cancel);
        var fresh = await Store.ReadStreamAsync(followed, null, Cancel);
        Assert.Equal(fresh.Select(e => (e.EventId, e.Version)), served[followed].Select(e => (e.EventId, e.Version)));
        Assert.Equal(4, cache.Count);
        foreach (var needsQuery in new[] { gapped, unseen })
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => cache.ReadStreamsAsync(closed, new Dictionary<Guid, long> { [needsQuery] = 3 }, Cancel));
        }
    }

    [Fact]
    public async Task A_stream_offered_from_its_first_version_is_cached_without_a_query_and_one_offered_from_a_later_one_is_not()
    {
        var cache = new StreamCache(Store);
        var (whole, tail) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var stream in new[] { whole, tail })
        {
            await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        }

        var wholeEvents = await Store.ReadStreamAsync(whole, null, Cancel);
        var tailEvents = await Store.ReadStreamAsync(tail, new StreamReadOptions { AfterVersion = 1 }, Cancel);
        Assert.Null(cache.Cached(whole));

        cache.Offer([.. wholeEvents, .. tailEvents]);

        Assert.Equal(wholeEvents.Select(e => e.EventId), cache.Cached(whole)!.Select(e => e.EventId));
        // Its first version unknown, the other is not cached: its history would lack the beginning.
        Assert.Null(cache.Cached(tail));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task One_stream_s_offer_adds_the_versions_that_follow_the_cached_ones_and_none_across_a_gap()
    {
        var cache = new StreamCache(Store);
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));
        await cache.ReadAsync(stream, Cancel);
        await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("b", "c", "d", "e"));
        var all = await Store.ReadStreamAsync(stream, null, Cancel);

        cache.Offer([all[3], all[4]]); // Versions 4 and 5: version 2 is missing between.
        Assert.Equal([1L], cache.Cached(stream)!.Select(e => e.Version));

        cache.Offer([all[0], all[1], all[2]]); // Version 1 again, then 2 and 3.
        Assert.Equal([1L, 2L, 3L], cache.Cached(stream)!.Select(e => e.Version));

        cache.Offer([all[2], all[3], all[4]]);
        Assert.Equal(all.Select(e => e.EventId), cache.Cached(stream)!.Select(e => e.EventId));
    }

    [Fact]
    public async Task Concurrent_reads_sharing_queries_each_equal_a_fresh_read_whatever_each_had_cached()
    {
        var cache = new StreamCache(Store);
        var streams = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        foreach (var (stream, i) in streams.Select((s, i) => (s, i)))
        {
            await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));
            if (i % 3 != 0)
            {
                await cache.ReadAsync(stream, Cancel);
            }

            // Most streams grow after they were cached, by more or fewer events.
            if (i % 4 > 0)
            {
                await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes([.. Enumerable.Range(0, i % 4).Select(n => $"n{n}")]));
            }
        }

        // Each stream read by several callers at once, so that queries carry the same stream more than once.
        var reads = await Task.WhenAll(streams.SelectMany(s => Enumerable.Repeat(s, 4)).Select(async s => (Stream: s, Events: await cache.ReadAsync(s, Cancel))));

        foreach (var (stream, events) in reads)
        {
            var fresh = await Store.ReadStreamAsync(stream, null, Cancel);
            Assert.Equal(fresh.Select(e => (e.EventId, e.Version)), events.Select(e => (e.EventId, e.Version)));
        }
    }

    [Fact]
    public async Task It_forgets_the_least_recently_read_streams_beyond_its_capacity()
    {
        var cache = new StreamCache(Store, capacity: 10);
        for (var i = 0; i < 6; i++)
        {
            var stream = Guid.NewGuid();
            await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("x", "y", "z"));
            await cache.ReadAsync(stream, Cancel);
        }

        Assert.InRange(cache.Count, 1, 10);
    }
}
