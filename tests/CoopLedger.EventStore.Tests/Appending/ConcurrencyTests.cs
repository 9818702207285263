using CoopLedger.EventStore.Aggregates;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Appending;

public sealed class ConcurrencyTests(TestDatabase database) : StoreTestBase(database)
{
    private const int Writers = 50;

    [Fact]
    public async Task Fifty_writers_racing_at_the_same_version_yield_one_winner_per_version_and_conflicts_for_the_rest()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("start"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await go.Task;
            var seen = (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Version;
            try
            {
                await AppendAsync(stream, ExpectedVersion.Exactly(seen), TestEvents.Notes($"writer {writer}"));
                return true;
            }
            catch (StreamVersionConflictException conflict)
            {
                Assert.True(conflict.Actual > seen);
                return false;
            }
        }, Cancel)).ToList();
        go.SetResult();
        var outcomes = await Task.WhenAll(racing);

        var events = await Store.ReadStreamAsync(stream, null, Cancel);
        var winners = outcomes.Count(won => won);
        Assert.InRange(winners, 1, Writers);
        Assert.Equal(Enumerable.Range(1, winners + 1).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(winners + 1, events.Select(e => ((Noted)e.Data).Text).Distinct().Count());
    }

    [Fact]
    public async Task Fifty_commands_without_an_expected_version_all_land_each_deciding_on_the_latest_state()
    {
        var stream = Guid.NewGuid();
        var handler = new AggregateHandler<int>(Store, TestEvents.StreamType, 0, (count, _) => count + 1);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var racing = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await go.Task;
            return await handler.HandleAsync(stream, expectedVersion: null,
                (count, _) => [new NewEvent(new Noted($"writer {writer} saw {count}"))], TestEvents.By($"writer-{writer}"), Cancel);
        }, Cancel)).ToList();
        go.SetResult();
        var results = await Task.WhenAll(racing);

        var events = await Store.ReadStreamAsync(stream, null, Cancel);
        Assert.Equal(Enumerable.Range(1, Writers).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(1, Writers).Select(v => (long)v), results.Select(r => r.Append.Version).Order());
        // Each decision saw exactly the events before its own: none decided on a stale state.
        Assert.All(events, e => Assert.EndsWith($"saw {e.Version - 1}", ((Noted)e.Data).Text, StringComparison.Ordinal));
    }
}
