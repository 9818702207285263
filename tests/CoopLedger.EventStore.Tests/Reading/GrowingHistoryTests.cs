using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;

namespace CoopLedger.EventStore.Tests.Reading;

/// <summary>A history grown from another never changes it, whichever of them grows next and however far.</summary>
public sealed class GrowingHistoryTests
{
    private static readonly Guid Stream = Guid.NewGuid();

    private static RecordedEvent Event(long version) => new(
        version, Guid.NewGuid(), Stream, version, "named", 1, $"event {version}", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "tester",
        null, null, null, 1, 1, null, [1]);

    private static RecordedEvent[] Events(long from, int count) => [.. Enumerable.Range(0, count).Select(i => Event(from + i))];

    private static long[] Versions(IEnumerable<RecordedEvent> history) => [.. history.Select(e => e.Version)];

    [Fact]
    public void Every_history_keeps_its_own_events_when_older_ones_grow_again_in_other_directions()
    {
        var first = GrowingHistory.Empty.Append(Events(1, 3));
        var longer = first.Append(Events(4, 2));
        // Grown from a history that no longer ends at its buffer's fill: its own events, not longer's, follow.
        var branch = first.Append([Event(40)]);
        var shorter = longer.Take(2).Append([Event(30)]);
        // Far past the room left: a buffer of its own.
        var far = longer.Append(Events(6, 100));

        Assert.Equal([1, 2, 3], Versions(first));
        Assert.Equal([1, 2, 3, 4, 5], Versions(longer));
        Assert.Equal([1, 2, 3, 40], Versions(branch));
        Assert.Equal([1, 2, 30], Versions(shorter));
        Assert.Equal([.. Enumerable.Range(1, 105).Select(v => (long)v)], Versions(far));
        Assert.Equal(105, far.LastVersion);
        Assert.Equal(0, GrowingHistory.Empty.LastVersion);
        Assert.Throws<ArgumentOutOfRangeException>(() => first[3]);
    }

    [Fact]
    public void Histories_grown_at_once_from_the_same_one_each_keep_exactly_their_own_events()
    {
        var start = GrowingHistory.Empty.Append(Events(1, 10));
        var grown = new GrowingHistory[64];

        Parallel.For(0, grown.Length, i => grown[i] = start.Append([Event(1000 + i), Event(2000 + i)]));

        for (var i = 0; i < grown.Length; i++)
        {
            Assert.Equal([.. Enumerable.Range(1, 10).Select(v => (long)v), 1000 + i, 2000 + i], Versions(grown[i]));
        }

        Assert.Equal([.. Enumerable.Range(1, 10).Select(v => (long)v)], Versions(start));
    }

    [Fact]
    public void As_a_list_it_reads_like_the_events_it_holds_and_refuses_changes()
    {
        var events = Events(1, 5);
        IList<RecordedEvent> history = GrowingHistory.Empty.Append(events).Take(4);

        Assert.Equal(4, history.Count);
        Assert.Equal(events[3], history[^1]);
        Assert.Equal(2, history.IndexOf(events[2]));
        Assert.False(history.Contains(events[4]));
        Assert.Equal(events[..4], history.ToArray());
        Assert.True(history.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => history.Add(events[4]));
        Assert.Throws<NotSupportedException>(() => history[0] = events[4]);
    }
}
