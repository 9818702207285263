using CoopLedger.EventStore.Reading;

namespace CoopLedger.EventStore.Tests.Reading;

/// <summary>A memo keeps one value per stream and forgets them all once it holds as much as its capacity.</summary>
public sealed class StreamMemoTests
{
    private static readonly Guid[] Streams = [.. Enumerable.Range(0, 5).Select(_ => Guid.NewGuid())];

    [Fact]
    public void Replacing_a_value_or_taking_one_out_leaves_room_for_as_many_streams_as_the_capacity()
    {
        var memo = new StreamMemo<int>(3);
        memo.Keep(Streams[0], 1);
        memo.Keep(Streams[0], 2);
        memo.Keep(Streams[1], 1);
        Assert.True(memo.TryTake(Streams[1], out var taken));
        Assert.Equal(1, taken);
        memo.Keep(Streams[2], 1);
        memo.Keep(Streams[3], 1);

        Assert.Equal([true, false, true, true], Streams[..4].Select(s => memo.TryGet(s, out _)));
        Assert.True(memo.TryGet(Streams[0], out var replaced));
        Assert.Equal(2, replaced);
        Assert.False(memo.TryTake(Streams[1], out _));
    }

    [Fact]
    public void Keeping_one_stream_more_than_the_capacity_forgets_the_others()
    {
        var memo = new StreamMemo<int>(3);
        foreach (var stream in Streams[..4])
        {
            memo.Keep(stream, 1);
        }

        Assert.Equal([false, false, false, true], Streams[..4].Select(s => memo.TryGet(s, out _)));
    }

    [Fact]
    public void Weighed_values_count_for_their_weight_and_a_replaced_one_for_its_new_weight()
    {
        var memo = new StreamMemo<int>(100, weight => weight);
        memo.Keep(Streams[0], 60);
        memo.Keep(Streams[0], 10);
        memo.Keep(Streams[1], 40);
        memo.Keep(Streams[2], 40);
        Assert.Equal([true, true, true], Streams[..3].Select(s => memo.TryGet(s, out _)));

        memo.Keep(Streams[3], 20);
        memo.Keep(Streams[4], 1);
        Assert.Equal([false, false, false, false, true], Streams.Select(s => memo.TryGet(s, out _)));
    }
}
