using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests;

/// <summary>A store over the test class's own database.</summary>
public abstract class StoreTestBase(TestDatabase database) : IClassFixture<TestDatabase>
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected TestDatabase Database => database;

    protected PostgresEventStore Store { get; } = new(database.DataSource, TestEvents.Registry());

    protected Task<AppendResult> AppendAsync(Guid stream, ExpectedVersion expected, params NewEvent[] events) =>
        Store.AppendAsync(stream, TestEvents.StreamType, expected, events, TestEvents.By("alice"), Cancel);

    /// <summary>Grows the log: new streams of notes each (a log of many pages, not analyzed since).</summary>
    protected async Task AppendStreamsAsync(int streams, int notesEach)
    {
        for (var i = 0; i < streams; i++)
        {
            await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes(notesEach));
        }
    }

    /// <summary>Asserts that an append answered with its events exactly as a read of the stream gives them.</summary>
    protected async Task AssertAnsweredAsReadAsync(AppendResult appended, int events)
    {
        Assert.Equal(events, appended.Events.Count);
        var read = await Store.ReadStreamAsync(appended.StreamId, new StreamReadOptions { AfterVersion = appended.Version - events, UpToVersion = appended.Version }, Cancel);
        Assert.Equal(read.Select(Comparable), appended.Events.Select(Comparable));
    }

    /// <summary>An event compared by value, hashes included (a record compares arrays by reference).</summary>
    private static (RecordedEvent, string, string) Comparable(RecordedEvent e) =>
        (e with { PreviousHash = null, Hash = [] }, Convert.ToHexString(e.PreviousHash ?? []), Convert.ToHexString(e.Hash));

    protected Task<long> CountEventsAsync(Guid stream) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM ledger.events WHERE stream_id = $1", stream);

    protected Task<long> CountAllEventsAsync() => Database.ScalarAsync<long>("SELECT count(*) FROM ledger.events");
}
