using System.Diagnostics;
using CoopLedger.EventStore.Aggregates;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.EventStore.Telemetry;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Aggregates;

public sealed class AggregateHandlerTests(TestDatabase database) : StoreTestBase(database)
{
    private AggregateHandler<IReadOnlyList<string>> Names() => new(Store, TestEvents.StreamType, [], Evolve);

    private AggregateHandler<IReadOnlyList<string>> CachedNames() => new(Store, TestEvents.StreamType, [], Evolve) { Cache = new StreamCache(Store) };

    /// <summary>The names a stream was given, in order.</summary>
    private static IReadOnlyList<string> Evolve(IReadOnlyList<string> names, RecordedEvent e) => e.Data is Renamed renamed ? [.. names, renamed.Name] : names;

    /// <summary>
    /// A handler with a stream cache, and a stream it named "Monastir" that another writer (another instance) then
    /// named "Mahdia" behind its back: the cache holds version 1, the stream is at 2.
    /// </summary>
    private async Task<(AggregateHandler<IReadOnlyList<string>> Handler, Guid Stream)> MovedBehindTheCacheAsync()
    {
        var stream = Guid.NewGuid();
        var handler = CachedNames();
        await RenameAsync(handler, stream, "Monastir");
        await AppendAsync(stream, ExpectedVersion.Exactly(1), new NewEvent(new Renamed("Mahdia")));
        return (handler, stream);
    }

    private static Task<HandledCommand<IReadOnlyList<string>>> RenameAsync(AggregateHandler<IReadOnlyList<string>> handler, Guid stream, string name) =>
        handler.HandleAsync(stream, null, (_, _) => [new NewEvent(new Renamed(name))], TestEvents.By("alice"), Cancel);

    [Fact]
    public async Task The_decision_sees_the_folded_state_and_its_events_are_appended()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Renamed("Monastir")));

        var handled = await Names().HandleAsync(stream, expectedVersion: 1,
            (names, version) => [new NewEvent(new Renamed($"{names[^1]} (v{version})"))], TestEvents.By("alice"), Cancel);

        Assert.Equal(["Monastir"], handled.StateBefore);
        Assert.Equal(2, handled.Append.Version);
        Assert.Equal(new Renamed("Monastir (v1)"), (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Data);
    }

    [Fact]
    public async Task A_stale_expected_version_is_refused_before_deciding()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        var decided = false;

        await Assert.ThrowsAsync<StreamVersionConflictException>(() => Names().HandleAsync(stream, expectedVersion: 1,
            (_, _) => { decided = true; return [new NewEvent(new Noted("c"))]; }, TestEvents.By("alice"), Cancel));

        Assert.False(decided);
        Assert.Equal(2, await CountEventsAsync(stream));
    }

    [Fact]
    public async Task A_refusal_by_the_decision_writes_nothing()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Names().HandleAsync(stream, null,
            (_, _) => throw new InvalidOperationException("refused"), TestEvents.By("alice"), Cancel));

        Assert.Equal(1, await CountEventsAsync(stream));
    }

    [Fact]
    public async Task A_writer_coming_in_between_the_read_and_the_append_makes_the_command_take_its_turn_and_decide_again()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Renamed("Monastir")));
        var decidedOn = new List<(IReadOnlyList<string> Names, long Version)>();

        var handled = await Names().HandleAsync(stream, null, (names, version) =>
            {
                decidedOn.Add((names, version));
                if (decidedOn.Count == 1)
                {
                    // Another writer appends after this command read the stream, before it appends.
                    AppendAsync(stream, ExpectedVersion.Exactly(1), new NewEvent(new Renamed("Mahdia"))).GetAwaiter().GetResult();
                }

                return [new NewEvent(new Renamed($"{names[^1]} twinned"))];
            }, TestEvents.By("alice"), Cancel);

        Assert.Equal([1L, 2L], decidedOn.Select(d => d.Version));
        Assert.Equal(["Monastir", "Mahdia"], decidedOn[1].Names);
        Assert.Equal(3, handled.Append.Version);
        Assert.Equal(new Renamed("Mahdia twinned"), (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Data);
    }

    [Fact]
    public async Task Commands_on_one_stream_at_once_take_turns_each_deciding_once_on_the_state_the_previous_left()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Renamed("0")));
        var handler = Names();
        var decisions = 0;

        var handled = await Task.WhenAll(Enumerable.Range(1, 20).Select(n => Task.Run(() => handler.HandleAsync(stream, null, (names, version) =>
            {
                Interlocked.Increment(ref decisions);
                return [new NewEvent(new Renamed($"{n} after {names.Count}"))];
            }, TestEvents.By("alice"), Cancel), Cancel)));

        // No decision was taken again after losing at the append: each saw the state its predecessor left.
        Assert.Equal(20, decisions);
        Assert.Equal(Enumerable.Range(2, 20).Select(v => (long)v), handled.Select(h => h.Append.Version).Order());
        Assert.Equal(Enumerable.Range(1, 20).Select(v => $"after {v}"), (await Store.ReadStreamAsync(stream, null, Cancel)).Skip(1)
            .Select(e => ((Renamed)e.Data).Name[((Renamed)e.Data).Name.IndexOf("after", StringComparison.Ordinal)..]));
    }

    [Fact]
    public async Task With_a_stream_cache_the_decision_still_sees_events_appended_by_other_writers()
    {
        var stream = Guid.NewGuid();
        var handler = CachedNames();
        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Renamed("Monastir")));
        await RenameAsync(handler, stream, "Sousse");

        // Written behind the handler's back (another instance): the cache must not hide it.
        await AppendAsync(stream, ExpectedVersion.Exactly(2), new NewEvent(new Renamed("Mahdia")));
        var handled = await handler.HandleAsync(stream, expectedVersion: 3,
            (names, _) => [new NewEvent(new Renamed(string.Join("+", names)))], TestEvents.By("alice"), Cancel);

        Assert.Equal(["Monastir", "Sousse", "Mahdia"], handled.StateBefore);
        Assert.Equal(new Renamed("Monastir+Sousse+Mahdia"), (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Data);
    }

    [Fact]
    public async Task With_a_stream_cache_a_command_after_the_handlers_own_append_decides_without_reading_the_stream()
    {
        var stream = Guid.NewGuid();
        var handler = CachedNames();
        await RenameAsync(handler, stream, "Monastir");
        using var reads = new StreamReads(stream);

        var handled = await handler.HandleAsync(stream, null, (names, _) => [new NewEvent(new Renamed($"{names[^1]} twinned"))], TestEvents.By("alice"), Cancel);
        var withItsVersion = await handler.HandleAsync(stream, expectedVersion: 2, (names, _) => [new NewEvent(new Renamed($"{names.Count} names"))], TestEvents.By("alice"), Cancel);

        Assert.Equal(0, reads.Count);
        Assert.Equal(["Monastir"], handled.StateBefore);
        Assert.Equal(2, handled.Append.Version);
        Assert.Equal(3, withItsVersion.Append.Version);
        Assert.Equal([new Renamed("Monastir"), new Renamed("Monastir twinned"), new Renamed("2 names")], (await Store.ReadStreamAsync(stream, null, Cancel)).Select(e => e.Data));
    }

    [Fact]
    public async Task With_a_stream_cache_a_command_decided_on_a_history_another_writer_has_moved_is_decided_again_on_the_stream()
    {
        var (handler, stream) = await MovedBehindTheCacheAsync();
        var decidedOn = new List<long>();

        var handled = await handler.HandleAsync(stream, null, (names, version) =>
            {
                decidedOn.Add(version);
                return [new NewEvent(new Renamed(string.Join("+", names)))];
            }, TestEvents.By("alice"), Cancel);

        Assert.Equal([1L, 2L], decidedOn);
        Assert.Equal(3, handled.Append.Version);
        Assert.Equal(new Renamed("Monastir+Mahdia"), (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Data);
    }

    [Fact]
    public async Task With_a_stream_cache_a_client_version_the_cache_holds_but_the_stream_has_passed_is_refused_as_stale()
    {
        var (handler, stream) = await MovedBehindTheCacheAsync();

        // The client saw version 1, as the cache did: the database finds the stream at 2, and the client is told so.
        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(() => handler.HandleAsync(stream, expectedVersion: 1,
            (_, _) => [new NewEvent(new Renamed("Sousse"))], TestEvents.By("alice"), Cancel));

        Assert.Equal(2, conflict.Actual);
        Assert.Equal(2, await CountEventsAsync(stream));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_a_stream_cache_a_refusal_or_nothing_to_append_stands_only_on_the_stream_as_it_is(bool refuses)
    {
        var (handler, stream) = await MovedBehindTheCacheAsync();

        // On the cached history (without Mahdia) the decision refuses, or appends nothing; on the stream, it appends.
        var handled = await handler.HandleAsync(stream, null, (names, _) => names.Contains("Mahdia")
            ? [new NewEvent(new Renamed("Mahdia twinned"))]
            : refuses ? throw new InvalidOperationException("Mahdia is not there") : [], TestEvents.By("alice"), Cancel);

        Assert.Equal(3, handled.Append.Version);
        Assert.Equal(new Renamed("Mahdia twinned"), (await Store.ReadStreamAsync(stream, null, Cancel))[^1].Data);
    }

    [Fact]
    public async Task A_kept_state_is_advanced_by_new_events_and_folded_again_after_one_that_rewrites_history()
    {
        var stream = Guid.NewGuid();
        // "undo" rewrites history: it removes the rename before it, which a fold from a kept state cannot do.
        var handler = new AggregateHandler<IReadOnlyList<string>>(Store, TestEvents.StreamType, [],
            Evolve,
            history => [.. history.Where((e, i) => !(e.Data is Renamed { Name: "undo" })
                && !(i + 1 < history.Count && history[i + 1].Data is Renamed { Name: "undo" }))])
        {
            Cache = new StreamCache(Store),
            RewritesHistory = e => e.Data is Renamed { Name: "undo" },
        };
        IReadOnlyList<string> seen = [];
        Task Rename(string name) => handler.HandleAsync(stream, null, (names, _) => { seen = names; return [new NewEvent(new Renamed(name))]; }, TestEvents.By("alice"), Cancel);

        await Rename("Monastir");
        await Rename("Sousse");
        await Rename("Mahdia");
        Assert.Equal(["Monastir", "Sousse"], seen);
        await Rename("undo");
        await Rename("Kairouan");

        Assert.Equal(["Monastir", "Sousse"], seen);
        await Rename("Tunis");
        Assert.Equal(["Monastir", "Sousse", "Kairouan"], seen);
    }

    /// <summary>Counts the store's reads of one stream, from their spans, whichever thread runs them.</summary>
    private sealed class StreamReads : IDisposable
    {
        private readonly ActivityListener _listener;
        private int _count;

        public StreamReads(Guid stream)
        {
            var id = stream.ToString();
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == EventStoreTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = read =>
                {
                    if (Equals(read.GetTagItem("coopledger.stream.id"), stream) && read.OperationName == "eventstore.read_stream"
                        || read.GetTagItem("coopledger.stream.ids") is string[] ids && ids.Contains(id))
                    {
                        Interlocked.Increment(ref _count);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
