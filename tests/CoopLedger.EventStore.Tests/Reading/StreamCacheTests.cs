using CoopLedger.EventStore.Appending;
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
