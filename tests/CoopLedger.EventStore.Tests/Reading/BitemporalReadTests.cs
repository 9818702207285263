using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Reading;

public sealed class BitemporalReadTests(TestDatabase database) : StoreTestBase(database)
{
    private static readonly DateTimeOffset Y2012 = new(2012, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Y2015 = new(2015, 12, 15, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Y2016 = new(2016, 1, 15, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Reading_as_of_an_effective_instant_keeps_the_events_effective_by_then_in_effective_order()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Noted("renewed"), Y2015), new NewEvent(new Noted("plan"), Y2016));
        // Recorded last, effective first: the convention of 2012, entered late.
        await AppendAsync(stream, ExpectedVersion.Exactly(2), new NewEvent(new Noted("signed"), Y2012));

        var asOf2015 = await Store.ReadStreamAsync(stream, new StreamReadOptions { EffectiveAtOrBefore = Y2015.AddDays(1), InEffectiveOrder = true }, Cancel);

        Assert.Equal(["signed", "renewed"], asOf2015.Select(e => ((Noted)e.Data).Text));
    }

    [Fact]
    public async Task Reading_as_known_at_a_recorded_instant_ignores_what_was_recorded_later()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Noted("first"), Y2012));
        var between = (await Store.ReadStreamAsync(stream, null, Cancel))[0].RecordedAt;
        await Task.Delay(5, Cancel);
        await AppendAsync(stream, ExpectedVersion.Exactly(1), new NewEvent(new Noted("back-dated correction"), Y2012));

        var knownThen = await Store.ReadStreamAsync(stream, new StreamReadOptions { RecordedAtOrBefore = between }, Cancel);
        var knownNow = await Store.ReadStreamAsync(stream, new StreamReadOptions { EffectiveAtOrBefore = Y2012 }, Cancel);

        Assert.Equal(["first"], knownThen.Select(e => ((Noted)e.Data).Text));
        Assert.Equal(["first", "back-dated correction"], knownNow.Select(e => ((Noted)e.Data).Text));
    }

    [Fact]
    public async Task Reading_up_to_a_version_stops_there()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c"));

        var events = await Store.ReadStreamAsync(stream, new StreamReadOptions { UpToVersion = 2 }, Cancel);

        Assert.Equal([1L, 2L], events.Select(e => e.Version));
    }
}
