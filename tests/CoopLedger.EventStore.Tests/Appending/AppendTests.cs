using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Appending;

public sealed class AppendTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task Appended_events_read_back_with_their_data_metadata_versions_and_positions()
    {
        var stream = Guid.NewGuid();
        var effective = new DateTimeOffset(2012, 5, 4, 0, 0, 0, TimeSpan.Zero);

        var first = await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Noted("signed"), effective));
        var second = await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("renewed", "amended"));

        Assert.Equal((1L, false), (first.Version, first.WasDuplicate));
        Assert.Equal(3, second.Version);
        Assert.True(second.Position > first.Position);
        var events = await Store.ReadStreamAsync(stream, null, Cancel);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal([new Noted("signed"), new Noted("renewed"), new Noted("amended")], events.Select(e => e.Data));
        Assert.Equal(effective, events[0].EffectiveAt);
        Assert.Equal(events[1].RecordedAt, events[1].EffectiveAt);
        Assert.All(events, e => Assert.Equal(("noted", 1, "alice", "test", "corr-1", "cause-1"),
            (e.Type, e.SchemaVersion, e.Actor, e.Reason, e.CorrelationId, e.CausationId)));
        Assert.Equal(second.Position, events[^1].Position);
        Assert.Equal(3, await Database.ScalarAsync<long>("SELECT version FROM ledger.streams WHERE stream_id = $1", stream));
    }

    [Fact]
    public async Task Text_beyond_ascii_and_characters_json_escapes_read_back_as_written()
    {
        // Events are read from the bytes PostgreSQL sends, not through a string: every encoding's edge must survive.
        var stream = Guid.NewGuid();
        string[] texts = ["Coopération décentralisée à Saint-Étienne", "Ouagadougou – Burkina Faso", "Đà Nẵng, 岘港",
            "«guillemets» \"quotes\" \\ back\\slash\nnew line\ttab", "emoji 🤝 and \u0001 control", new string('é', 5000)];

        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes(texts));

        var events = await Store.ReadStreamAsync(stream, null, Cancel);
        Assert.Equal(texts.Select(t => new Noted(t)), events.Select(e => e.Data));
    }

    [Fact]
    public async Task An_append_answers_with_its_events_as_a_read_of_the_stream_gives_them()
    {
        var stream = Guid.NewGuid();
        // Finer than PostgreSQL keeps: the answer must hold the business time as stored, not as sent.
        var effective = new DateTimeOffset(2012, 5, 4, 9, 30, 15, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var keyed = TestEvents.By("alice", idempotencyKey: "request-7");

        var first = await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Noted("signed"), effective));
        var second = await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("renewed", "amended"));
        var third = await Store.AppendAsync(stream, TestEvents.StreamType, ExpectedVersion.Exactly(3), TestEvents.Notes("audited"), keyed, Cancel);
        var retry = await Store.AppendAsync(stream, TestEvents.StreamType, ExpectedVersion.Exactly(3), TestEvents.Notes("audited"), keyed, Cancel);

        await AssertAnsweredAsReadAsync(first, 1);
        await AssertAnsweredAsReadAsync(second, 2);
        await AssertAnsweredAsReadAsync(third, 1);
        Assert.True(retry.WasDuplicate);
        Assert.Empty(retry.Events);
    }

    [Fact]
    public async Task An_append_of_no_events_writes_none_and_answers_with_none()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));

        var appended = await AppendAsync(stream, ExpectedVersion.Exactly(1));

        Assert.Equal(1, appended.Version);
        Assert.Empty(appended.Events);
        Assert.Equal(1, await CountEventsAsync(stream));
    }

    [Fact]
    public async Task An_append_at_a_stale_version_is_refused_with_both_versions_and_writes_nothing()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(
            () => AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("late")));

        Assert.Equal((stream, 1L, 2L), (conflict.StreamId, conflict.Expected.Value, conflict.Actual));
        Assert.Equal(2, await CountEventsAsync(stream));
    }

    [Fact]
    public async Task Starting_a_stream_that_exists_is_a_conflict()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(
            () => AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("again")));

        Assert.Equal(1, conflict.Actual);
    }

    [Fact]
    public async Task Expecting_a_version_of_a_missing_stream_is_a_conflict_that_creates_no_stream()
    {
        var stream = Guid.NewGuid();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflictException>(
            () => AppendAsync(stream, ExpectedVersion.Exactly(3), TestEvents.Notes("a")));

        Assert.Equal(0, conflict.Actual);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.streams WHERE stream_id = $1", stream));
    }

    [Fact]
    public async Task Any_version_appends_whatever_the_stream_is_at()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.Any, TestEvents.Notes("a"));

        var result = await AppendAsync(stream, ExpectedVersion.Any, TestEvents.Notes("b"));

        Assert.Equal(2, result.Version);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_result_and_writes_nothing()
    {
        var stream = Guid.NewGuid();
        var metadata = TestEvents.By("alice", idempotencyKey: "request-42");
        var first = await Store.AppendAsync(stream, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"), metadata, Cancel);

        var retry = await Store.AppendAsync(stream, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"), metadata, Cancel);

        Assert.True(retry.WasDuplicate);
        Assert.Equal((first.Version, first.Position), (retry.Version, retry.Position));
        Assert.Equal(2, await CountEventsAsync(stream));
    }

    [Fact]
    public async Task One_transaction_can_append_to_several_streams_and_a_rollback_writes_none()
    {
        var (left, right) = (Guid.NewGuid(), Guid.NewGuid());
        var before = await CountAllEventsAsync();
        await using (var connection = await Database.DataSource.OpenConnectionAsync(Cancel))
        await using (var transaction = await connection.BeginTransactionAsync(Cancel))
        {
            await Store.AppendAsync(connection, left, "test", ExpectedVersion.NoStream, TestEvents.Notes("l"), TestEvents.By("bob"), Cancel);
            await Store.AppendAsync(connection, right, "test", ExpectedVersion.NoStream, TestEvents.Notes("r"), TestEvents.By("bob"), Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        Assert.Equal(before, await CountAllEventsAsync());

        await using (var connection = await Database.DataSource.OpenConnectionAsync(Cancel))
        await using (var transaction = await connection.BeginTransactionAsync(Cancel))
        {
            await Store.AppendAsync(connection, left, "test", ExpectedVersion.NoStream, TestEvents.Notes("l"), TestEvents.By("bob"), Cancel);
            await Store.AppendAsync(connection, right, "test", ExpectedVersion.NoStream, TestEvents.Notes("r"), TestEvents.By("bob"), Cancel);
            await transaction.CommitAsync(Cancel);
        }

        Assert.Equal(before + 2, await CountAllEventsAsync());
    }

    [Fact]
    public async Task Recorded_at_comes_from_the_database_clock()
    {
        var stream = Guid.NewGuid();
        var dbBefore = await Database.ScalarAsync<DateTime>("SELECT clock_timestamp()");

        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("a"));

        var recorded = Assert.Single(await Store.ReadStreamAsync(stream, null, Cancel)).RecordedAt;
        var dbAfter = await Database.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        Assert.InRange(recorded.UtcDateTime, dbBefore, dbAfter);
    }
}
