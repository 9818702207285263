using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Integrity;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Appending;

/// <summary>
/// Appends that arrive while the store's writers are busy commit together. Each test holds the only writer on a
/// stream lock taken by another transaction, queues appends behind it, then lets it go: those then form one group.
/// </summary>
public sealed class GroupCommitTests(TestDatabase database) : StoreTestBase(database)
{
    private const int Queued = 12;

    private readonly PostgresEventStore _oneWriter = new(database.DataSource, TestEvents.Registry()) { AppendWriters = 1, MaxEventsPerGroup = 32 };

    [Fact]
    public async Task Appends_queued_behind_a_busy_writer_commit_in_one_transaction_each_with_its_own_answer()
    {
        var streams = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();

        var results = await BehindABusyWriterAsync(() => streams.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "first", "second")).ToList());

        Assert.All(results, r => Assert.Equal(2, r.Version));
        Assert.Equal(streams.Order(), results.Select(r => r.StreamId).Order());
        Assert.Equal(Queued, results.Select(r => r.Position).Distinct().Count());
        Assert.Equal(1, await TransactionsOfAsync(streams));
        foreach (var result in results)
        {
            var events = await Store.ReadStreamAsync(result.StreamId, null, Cancel);
            Assert.Equal(["first", "second"], events.Select(e => ((Noted)e.Data).Text));
            Assert.Equal(result.Position, events[^1].Position);
        }
    }

    [Fact]
    public async Task A_group_is_full_once_it_holds_its_events_and_the_appends_after_go_in_the_next()
    {
        // Eight appends of ten events behind the one writer, groups full at 32 events: 4 appends (40 events), then 4.
        var streams = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();

        var results = await BehindABusyWriterAsync(() => [.. streams.Select(s => AppendAsync(s, ExpectedVersion.NoStream, [.. Enumerable.Range(0, 10).Select(n => $"note {n}")]))]);

        Assert.All(results, r => Assert.Equal(10, r.Version));
        Assert.Equal(2, await TransactionsOfAsync(streams));
        Assert.Equal(1, await TransactionsOfAsync(streams[..4]));
    }

    [Fact]
    public async Task A_group_of_existing_streams_new_streams_and_a_stream_twice_chains_and_answers_each_as_if_alone()
    {
        var existing = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var stream in existing)
        {
            await AppendAsync(stream, ExpectedVersion.NoStream, "one", "two");
        }

        var twice = existing[0];
        var fresh = Guid.NewGuid();
        var second = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            List<Task<AppendResult>> queued = [.. existing.Select((s, i) => i % 2 == 0 ? AppendAsync(s, ExpectedVersion.Exactly(2), "three", "four") : AppendAsync(s, ExpectedVersion.Any, "three"))];
            second = AppendAsync(twice, ExpectedVersion.Exactly(4), "five");
            queued.Add(AppendAsync(fresh, ExpectedVersion.NoStream, "first"));
            return queued;
        });

        Assert.Equal(Queued + 1, results.Length);
        Assert.Equal(5, (await second!).Version);
        // One transaction for the group, but for the stream's second append: a group moves a stream once, and leaves
        // the next append to it to run once the group has committed.
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "SELECT count(DISTINCT transaction_id) FROM ledger.events WHERE ((stream_id = ANY ($1) AND version > 2) OR stream_id = $2) AND NOT (stream_id = $3 AND version = 5)",
            existing, fresh, twice));
        var verifier = new StreamVerifier(Database.DataSource);
        foreach (var (stream, i) in existing.Select((s, i) => (s, i)))
        {
            var events = await Store.ReadStreamAsync(stream, null, Cancel);
            var expected = stream == twice ? ["one", "two", "three", "four", "five"] : i % 2 == 0 ? new[] { "one", "two", "three", "four" } : ["one", "two", "three"];
            Assert.Equal(expected, events.Select(e => ((Noted)e.Data).Text));
            Assert.Equal(Enumerable.Range(1, expected.Length).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal(events[^1].Position, stream == twice ? (await second!).Position : results.Single(r => r.StreamId == stream).Position);
            // The stream's log order never goes back (see ledger.append), and its hash chain holds across the group.
            Assert.Equal(events.Select(e => e.LogOrder).Order(), events.Select(e => e.LogOrder));
            Assert.True((await verifier.VerifyAsync(stream, Cancel)).Valid);
        }

        Assert.Equal(1, await CountEventsAsync(fresh));
        // Each answer holds its events as recorded, whether its append went with the others or alone within the group.
        foreach (var (result, i) in results.Select((r, i) => (r, i)))
        {
            await AssertAnsweredAsReadAsync(result, result.StreamId == fresh || i % 2 == 1 ? 1 : 2);
        }

        await AssertAnsweredAsReadAsync(await second!, 1);
    }

    [Fact]
    public async Task A_group_hashes_business_times_missing_reasons_and_any_text_as_the_verifier_does()
    {
        // What the group's hash takes from texts other than the recording instant's: business times given (to the
        // tick, which PostgreSQL keeps to the microsecond; before 2000, its epoch; far ahead), a missing reason, text
        // that JSON escapes or that takes several UTF-8 bytes, and a stream continued as well as one started.
        var existing = Guid.NewGuid();
        await AppendAsync(existing, ExpectedVersion.NoStream, "before");
        NewEvent[] events =
        [
            new(new Noted("\"quoted\" \\ tab\t line\n é ☃ 😀"), new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(-5)).AddTicks(1_234_567)),
            new(new Noted("older than the epoch"), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999)),
            new(new Noted("no business time")),
            new(new Priced(1.50m, "EUR"), new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)),
        ];
        var streams = new[] { existing, Guid.NewGuid(), Guid.NewGuid() };
        AppendMetadata[] metadata = [new("alice"), new("bob", Reason: "motif : « réunion »\nsecond line"), new("carol", Reason: "")];

        var results = await BehindABusyWriterAsync(() =>
        [
            .. streams.Select((stream, i) => _oneWriter.AppendAsync(
                stream, TestEvents.StreamType, i == 0 ? ExpectedVersion.Exactly(1) : ExpectedVersion.NoStream, events, metadata[i], Cancel)),
        ]);

        Assert.Equal(1, await TransactionsOfAsync([.. streams.Skip(1)]));
        var verifier = new StreamVerifier(Database.DataSource);
        foreach (var result in results)
        {
            Assert.Equal(new StreamIntegrity(true, result.Version, null), await verifier.VerifyAsync(result.StreamId, Cancel));
            await AssertAnsweredAsReadAsync(result, events.Length);
        }

        var read = await Store.ReadStreamAsync(streams[1], null, Cancel);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 4, 59, 59, 123, 456, TimeSpan.Zero), read[0].EffectiveAt);
        Assert.Equal(read[0].RecordedAt, read[2].EffectiveAt);

        // Alone (ledger.append), the same events hash alike.
        var alone = await _oneWriter.AppendAsync(Guid.NewGuid(), TestEvents.StreamType, ExpectedVersion.NoStream, events, metadata[1], Cancel);
        Assert.True((await verifier.VerifyAsync(alone.StreamId, Cancel)).Valid);
    }

    [Fact]
    public async Task A_conflict_in_a_group_refuses_only_its_own_append()
    {
        var stale = Guid.NewGuid();
        await AppendAsync(stale, ExpectedVersion.NoStream, TestEvents.Notes("one", "two"));
        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();

        var conflict = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            conflict = AppendAsync(stale, ExpectedVersion.Exactly(1), "late");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        var refused = await Assert.ThrowsAsync<StreamVersionConflictException>(() => conflict!);
        Assert.Equal(2, refused.Actual);
        Assert.Equal(2, await CountEventsAsync(stale));
        Assert.All(results, r => Assert.Equal(1, r.Version));
        Assert.Equal(1, await TransactionsOfAsync(others));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_append_whose_stream_another_transaction_holds_runs_alone_and_its_group_does_not_wait()
    {
        var locked = Guid.NewGuid();
        await AppendAsync(locked, ExpectedVersion.NoStream, "one");
        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();
        // A command deciding under its stream's lock, as commands do after losing a race.
        await using var holder = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var holding = await holder.BeginTransactionAsync(Cancel);
        await PostgresEventStore.LockStreamAsync(holder, locked, Cancel);

        var waiting = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            waiting = AppendAsync(locked, ExpectedVersion.Exactly(1), "two");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        Assert.All(results, r => Assert.Equal(1, r.Version));
        Assert.Equal(1, await TransactionsOfAsync(others));
        Assert.False(waiting!.IsCompleted, "the append went through while its stream was locked");
        await holding.CommitAsync(Cancel);
        Assert.Equal(2, (await waiting).Version);
        Assert.Equal(2, await CountEventsAsync(locked));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_busy_append_whose_caller_gives_up_while_it_waits_for_the_lock_writes_nothing()
    {
        var locked = Guid.NewGuid();
        await AppendAsync(locked, ExpectedVersion.NoStream, "one");
        await using var holder = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var holding = await holder.BeginTransactionAsync(Cancel);
        await PostgresEventStore.LockStreamAsync(holder, locked, Cancel);
        using var giveUp = new CancellationTokenSource();

        var waiting = default(Task<AppendResult>);
        await BehindABusyWriterAsync(() =>
        {
            waiting = _oneWriter.AppendAsync(locked, TestEvents.StreamType, ExpectedVersion.Any, TestEvents.Notes("never"), TestEvents.By("alice"), giveUp.Token);
            return [AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, "sent")];
        });
        await WaitForALockWaitAsync();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting!);
        // Let the cancelled statement end before the lock goes: had it still been waiting, it would now write.
        await Task.Delay(200, Cancel);
        await holding.CommitAsync(Cancel);
        await Task.Delay(200, Cancel);
        Assert.Equal(1, await CountEventsAsync(locked));
    }

    [Fact]
    public async Task An_append_the_server_refuses_fails_alone_and_the_rest_of_its_group_commits()
    {
        var refusedStream = Guid.NewGuid();
        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();

        var refusal = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            // jsonb refuses the NUL character (serialized as \u0000): the statement fails, and with it the whole group.
            refusal = AppendAsync(refusedStream, ExpectedVersion.NoStream, "nul \0 inside");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        await Assert.ThrowsAsync<PostgresException>(() => refusal!);
        Assert.Equal(0, await CountEventsAsync(refusedStream));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.streams WHERE stream_id = $1", refusedStream));
        Assert.All(results, r => Assert.Equal(1, r.Version));
        foreach (var stream in others)
        {
            Assert.Equal(1, await CountEventsAsync(stream));
        }
    }

    [Fact]
    public async Task Appends_with_an_idempotency_key_run_alone_in_order_with_their_streams_other_appends()
    {
        var keyed = Guid.NewGuid();
        var first = await _oneWriter.AppendAsync(keyed, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("once"), TestEvents.By("alice", "request-1"), Cancel);
        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();

        var retry = default(Task<AppendResult>);
        var next = default(Task<AppendResult>);
        var after = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            retry = _oneWriter.AppendAsync(keyed, TestEvents.StreamType, ExpectedVersion.Exactly(1), TestEvents.Notes("once"), TestEvents.By("alice", "request-1"), Cancel);
            next = _oneWriter.AppendAsync(keyed, TestEvents.StreamType, ExpectedVersion.Exactly(1), TestEvents.Notes("twice"), TestEvents.By("alice", "request-2"), Cancel);
            // No key, so the group could take it: it must not overtake the keyed appends queued before it.
            after = AppendAsync(keyed, ExpectedVersion.Exactly(2), "thrice");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        // The group's one statement cannot check keys (its snapshot is older than its locks): they ran alone, in order.
        Assert.True((await retry!).WasDuplicate);
        Assert.Equal((first.Version, first.Position), ((await retry!).Version, (await retry!).Position));
        Assert.Equal((2L, false), ((await next!).Version, (await next!).WasDuplicate));
        Assert.Equal(3, (await after!).Version);
        Assert.Equal(["once", "twice", "thrice"], (await Store.ReadStreamAsync(keyed, null, Cancel)).Select(e => ((Noted)e.Data).Text));
        Assert.Equal(Queued, results.Length);
        Assert.Equal(1, await TransactionsOfAsync(others));
    }

    [Fact]
    public async Task A_stream_created_without_events_takes_its_first_events_in_a_group()
    {
        var empty = Guid.NewGuid();
        Assert.Equal(0, (await AppendAsync(empty, ExpectedVersion.NoStream)).Version);
        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();

        var first = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            first = AppendAsync(empty, ExpectedVersion.NoStream, "first");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        // As ledger.append has it: a stream at version 0 has no events, so "no stream" holds.
        Assert.Equal(1, (await first!).Version);
        Assert.Equal(Queued, results.Length);
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "SELECT count(DISTINCT transaction_id) FROM ledger.events WHERE stream_id = ANY ($1) OR stream_id = $2", others, empty));
    }

    [Fact]
    public async Task A_group_that_cannot_see_a_streams_previous_event_chains_nothing_and_its_appends_run_alone()
    {
        // The statement's snapshot predates its locks: a stream moved by a transaction that committed in between has
        // its previous event out of that snapshot. The race cannot be timed from a test; a previous event missing for
        // good is what the statement sees then, and it must refuse to chain from it (a null previous hash would break
        // the chain).
        var moved = Guid.NewGuid();
        await AppendAsync(moved, ExpectedVersion.NoStream, "one", "two");
        await Database.ScalarAsync<long>("WITH gone AS (DELETE FROM ledger.events WHERE stream_id = $1 AND version = 2 RETURNING 1) SELECT count(*) FROM gone", moved);

        var refusal = await Assert.ThrowsAsync<PostgresException>(() => Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM ledger.append_group($1, ARRAY['test'], ARRAY[2]::bigint[], ARRAY[1], ARRAY[1], ARRAY['alice'], ARRAY[NULL]::text[],
                ARRAY[NULL]::text[], ARRAY[NULL]::text[], ARRAY[gen_random_uuid()], ARRAY['noted'], ARRAY[1], ARRAY['{}']::jsonb[], ARRAY[NULL]::timestamptz[])
            """, new[] { moved }));
        Assert.Equal(PostgresErrorCodes.SerializationFailure, refusal.SqlState);

        var others = Enumerable.Range(0, Queued).Select(_ => Guid.NewGuid()).ToArray();
        var refused = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            refused = AppendAsync(moved, ExpectedVersion.Exactly(2), "three");
            return [.. others.Select(s => AppendAsync(s, ExpectedVersion.NoStream, "fine"))];
        });

        // Refused twice (a new snapshot is no help here), the group ran alone: each append reads its stream's previous
        // event after the lock, as ledger.append does.
        Assert.Equal(3, (await refused!).Version);
        Assert.Equal(Queued, results.Length);
        Assert.Equal(Queued, await TransactionsOfAsync(others));
    }

    [Fact]
    public async Task An_append_whose_caller_gives_up_while_it_waits_is_not_sent()
    {
        var abandoned = Guid.NewGuid();
        using var giveUp = new CancellationTokenSource();

        var waiting = default(Task<AppendResult>);
        var results = await BehindABusyWriterAsync(() =>
        {
            waiting = _oneWriter.AppendAsync(abandoned, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("never"), TestEvents.By("alice"), giveUp.Token);
            giveUp.Cancel();
            return [AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, "sent")];
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting!);
        Assert.Single(results);
        Assert.Equal(0, await CountEventsAsync(abandoned));
    }

    [Fact]
    public async Task Callers_who_append_again_once_answered_go_on_together_rather_than_in_turns()
    {
        // Eight callers in a loop, each appending to its own stream. Sent whenever the writer is free, the appends of
        // those answered come back while the next group (of those who waited) is out: the callers then go in two
        // cohorts taking turns, groups of about four. The writer waits for the callers it answered, so most groups
        // hold all eight.
        const int Callers = 8, Rounds = 30;
        var streams = Enumerable.Range(0, Callers).Select(_ => Guid.NewGuid()).ToArray();

        await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            for (var version = 0; version < Rounds; version++)
            {
                await AppendAsync(stream, ExpectedVersion.Exactly(version), $"round {version}");
            }
        }, Cancel)));

        // Gathered, 30 to 32 groups; in turns, 57 to 59. The bound leaves room for gathers missed on a busy machine (the
        // writer waits for the callers a quarter of its group's time at most, here a fraction of a millisecond).
        var groups = await TransactionsOfAsync(streams);
        Assert.True(groups <= Callers * Rounds / 5, $"{Callers * Rounds} appends went in {groups} groups: {Callers * Rounds / (double)groups:F1} appends a group");
    }

    [Fact]
    public async Task Callers_who_do_not_come_back_are_soon_no_longer_waited_for()
    {
        // Open traffic: lone appends, each from a caller who never appends again, far apart. The writer waits after each
        // group for a caller to come back, until it has waited for nobody: then it skips the next gather, then two,
        // four, then eight at most. Forty appends: gathers after the 1st, 3rd, 6th, 11th, 20th, 29th and 38th, seven
        // in all; forty without the back-off. The bound leaves room for an append that happened to come during a gather
        // on a busy machine, which ends the back-off.
        const int Appends = 40;
        var store = new PostgresEventStore(Database.DataSource, TestEvents.Registry()) { AppendWriters = 1 };
        for (var i = 0; i < Appends; i++)
        {
            await store.AppendAsync(Guid.NewGuid(), TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("once"), TestEvents.By("alice"), Cancel);
            // Far longer than any gather waits (a millisecond at most).
            await Task.Delay(15, Cancel);
        }

        Assert.InRange(store.Groups.UnansweredGathers, 1, 16);
    }

    [Fact]
    public async Task A_group_stalled_on_a_stream_lock_does_not_hold_back_appends_to_other_streams()
    {
        // The store as configured by default: one writer as a rule, another when the groups in flight stall.
        var store = new PostgresEventStore(Database.DataSource, TestEvents.Registry());
        var held = Guid.NewGuid();
        await store.AppendAsync(held, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("held"), TestEvents.By("alice"), Cancel);
        await using var blocker = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var transaction = await blocker.BeginTransactionAsync(Cancel);
        await PostgresEventStore.LockStreamAsync(blocker, held, Cancel);

        var stalled = store.AppendAsync(held, TestEvents.StreamType, ExpectedVersion.Any, TestEvents.Notes("after the lock"), TestEvents.By("alice"), Cancel);
        await WaitForALockWaitAsync();
        var other = Guid.NewGuid();
        var passing = await store.AppendAsync(other, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("meanwhile"), TestEvents.By("bob"), Cancel)
            .WaitAsync(TimeSpan.FromSeconds(10), Cancel);

        Assert.Equal(1, passing.Version);
        Assert.False(stalled.IsCompleted, "the stalled append went through while its stream was locked");
        await transaction.CommitAsync(Cancel);
        Assert.Equal(2, (await stalled).Version);
    }

    private Task<AppendResult> AppendAsync(Guid stream, ExpectedVersion expected, params string[] texts) =>
        _oneWriter.AppendAsync(stream, TestEvents.StreamType, expected, TestEvents.Notes(texts), TestEvents.By("alice"), Cancel);

    /// <summary>
    /// Makes the store's one writer wait on a stream lock held by another transaction, queues <paramref name="queue"/>'s
    /// appends while it waits, releases the lock and returns what the queued appends answered.
    /// </summary>
    private async Task<AppendResult[]> BehindABusyWriterAsync(Func<List<Task<AppendResult>>> queue)
    {
        var held = Guid.NewGuid();
        await AppendAsync(held, ExpectedVersion.NoStream, "held");
        await using var blocker = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var transaction = await blocker.BeginTransactionAsync(Cancel);
        await PostgresEventStore.LockStreamAsync(blocker, held, Cancel);

        var blocked = AppendAsync(held, ExpectedVersion.Any, "after the lock");
        await WaitForALockWaitAsync();
        var queued = queue();
        await Task.Delay(100, Cancel);
        Assert.All(queued, q => Assert.False(q.IsCompleted, "an append went out while the only writer was busy"));

        await transaction.CommitAsync(Cancel);
        await blocked;
        // Ask for every answer, refusals included; the tests look at each task themselves.
        await Task.WhenAll(queued.Select(q => q.ContinueWith(_ => { }, Cancel, TaskContinuationOptions.None, TaskScheduler.Default)));
        return [.. queued.Where(q => q.IsCompletedSuccessfully).Select(q => q.Result)];
    }

    private async Task WaitForALockWaitAsync()
    {
        for (var tries = 0; tries < 200; tries++)
        {
            var waiting = await Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
            if (waiting > 0)
            {
                return;
            }

            await Task.Delay(25, Cancel);
        }

        Assert.Fail("The writer never waited for the stream lock.");
    }

    private Task<long> TransactionsOfAsync(Guid[] streams) =>
        Database.ScalarAsync<long>("SELECT count(DISTINCT transaction_id) FROM ledger.events WHERE stream_id = ANY ($1)", streams);
}
