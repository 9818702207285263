using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Projections;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Projections;

public sealed class ProjectionDaemonTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_batch_applies_every_new_event_once_with_its_checkpoint()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_all");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c"));

        await DrainAsync(Daemon(projection), projection);

        Assert.Equal(await CountAllEventsAsync(), await projection.CountAsync());
        var state = Assert.Single(await ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel), s => s.Name == "seen_all");
        Assert.Equal("running", state.Status);
    }

    [Fact]
    public async Task Batches_and_failures_are_measured_per_projection()
    {
        using var measures = new ProjectionMeasures();
        var projection = await SeenProjection.CreateAsync(Database, "seen_measured", poison: "unmeasurable");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a"));
        await DrainAsync(Daemon(projection), projection);
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("unmeasurable"));
        var daemon = Daemon(projection);
        await WaitUntilAsync(() => daemon.ApplyNextBatchAsync(Cancel).Result >= 0
            && measures.Last("coopledger.projection.failures", "seen_measured") is not null);
        measures.ObserveGauges();

        var measured = measures.Taken;
        Assert.Contains(measured, m => m.Instrument == "coopledger.projection.batch.size" && m.Projection == "seen_measured" && m.Value >= 1);
        Assert.Contains(measured, m => m.Instrument == "coopledger.projection.batch.duration" && m.Projection == "seen_measured");
        Assert.Contains(measured, m => m.Instrument == "coopledger.projection.lag" && m.Projection == "seen_measured");
    }

    [Fact]
    public async Task The_backlog_is_measured_as_the_committed_events_not_yet_applied()
    {
        using var measures = new ProjectionMeasures();
        var projection = await SeenProjection.CreateAsync(Database, "seen_backlog");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c", "d", "e"));
        var daemon = Daemon(projection);

        // The log holds back events while an older transaction is open anywhere in the cluster (another test's).
        var applied = 0;
        await WaitUntilAsync(() => (applied = daemon.ApplyNextBatchAsync(Cancel).Result) > 0);
        Assert.Equal(2, applied);
        measures.ObserveGauges();
        Assert.Equal(await CountAllEventsAsync() - 2, measures.Last("coopledger.projection.backlog", "seen_backlog"));

        await DrainAsync(daemon, projection);
        Assert.Equal(0, await daemon.ApplyNextBatchAsync(Cancel));
        measures.ObserveGauges();
        Assert.Equal(0, measures.Last("coopledger.projection.backlog", "seen_backlog"));
    }

    [Fact]
    public async Task A_crash_after_the_writes_and_before_the_commit_loses_and_repeats_nothing()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_crash");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        var faulty = new ProjectionDaemon(Store, projection, new AppendSignal())
        {
            BeforeCommit = _ => throw new IOException("killed between the writes and the commit"),
        };

        await Assert.ThrowsAsync<IOException>(() => faulty.ApplyNextBatchAsync(Cancel));
        Assert.Equal(0, await projection.CountAsync());

        await DrainAsync(Daemon(projection), projection);
        Assert.Equal(await CountAllEventsAsync(), await projection.CountAsync());
    }

    [Fact]
    public async Task An_event_the_projection_cannot_apply_stops_it_visibly_at_that_event()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_poison", poison: "poison");
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("fine", "poison", "after"));
        var poisonPosition = (await Store.ReadStreamAsync(stream, null, Cancel))[1].Position;

        var failures = new System.Collections.Concurrent.ConcurrentQueue<ProjectionFailure>();
        var daemon = new ProjectionDaemon(Store, projection, new AppendSignal()) { BatchSize = 2, Failed = failures.Enqueue };
        await WaitUntilAsync(() => daemon.ApplyNextBatchAsync(Cancel).Result >= 0
            && ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel).Result.Any(s => s.Name == "seen_poison" && s.Status == "failed"));

        var state = Assert.Single(await ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel), s => s.Name == "seen_poison");
        Assert.Equal(("failed", poisonPosition), (state.Status, state.FailedPosition));
        Assert.Contains("poison", state.Error, StringComparison.Ordinal);
        var told = Assert.Single(failures);
        Assert.Equal(("seen_poison", poisonPosition), (told.Projection, told.Position));
        Assert.Contains("poison", told.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Daemon(projection).ApplyNextBatchAsync(Cancel));
    }

    [Fact]
    public async Task Of_two_daemons_only_one_leads_and_the_other_takes_over_when_it_stops()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_leader");
        var (first, second) = (Daemon(projection), Daemon(projection));
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var runningFirst = first.RunAsync(stopFirst.Token);
        await WaitUntilAsync(() => first.IsLeader);
        var runningSecond = second.RunAsync(stopSecond.Token);
        await Task.Delay(300, Cancel);

        Assert.False(second.IsLeader);
        await stopFirst.CancelAsync();
        await runningFirst;
        await WaitUntilAsync(() => second.IsLeader);
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("after takeover"));
        await WaitUntilAsync(() => projection.CountAsync().Result == CountAllEventsAsync().Result);

        await stopSecond.CancelAsync();
        await runningSecond;
    }

    [Fact]
    public async Task A_rebuild_fills_a_new_generation_while_the_old_one_serves_then_swaps_it_in()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_rebuilt");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c"));
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("d"));
        var live = Daemon(projection);
        await DrainAsync(live, projection);
        var before = await projection.ChecksumAsync();
        Assert.True(await ProjectionCheckpoints.RequestRebuildAsync(Database.DataSource, "seen_rebuilt", Cancel));

        var servedDuringRebuild = -1L;
        var rebuilding = new ProjectionDaemon(Store, projection, new AppendSignal())
        {
            AfterRebuildLoad = async () =>
            {
                servedDuringRebuild = await projection.CountAsync();
                await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("appended during the rebuild"));
            },
        };
        var expectedWhileServing = await CountAllEventsAsync();
        await rebuilding.RebuildAsync(Cancel);

        Assert.Null(rebuilding.RebuildFailure);
        Assert.Equal(expectedWhileServing, servedDuringRebuild);
        // The new generation caught up with what was appended while it was loading (as far as the log allows).
        await DrainAsync(live, projection);
        Assert.Equal(await CountAllEventsAsync(), await projection.CountAsync());
        Assert.NotEqual(before, await projection.ChecksumAsync());
        var state = Assert.Single(await ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel), s => s.Name == "seen_rebuilt");
        Assert.Null(state.RebuildRequestedAt);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'seen_rebuilt_%'"));
    }

    [Fact]
    public async Task A_rebuilt_generation_gets_its_key_its_indexes_and_its_summary_built_from_the_loaded_rows()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_summarised", summarised: true);
        var streams = new[] { Guid.NewGuid(), Guid.NewGuid() };
        await AppendAsync(streams[0], ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c"));
        await AppendAsync(streams[1], ExpectedVersion.NoStream, TestEvents.Notes("d"));
        // The summary is built from the loaded rows alone (the catch-up does not keep it).
        await WaitUntilReadableAsync(streams);

        await new ProjectionRebuild(Store, projection).RunAsync(Cancel);

        var indexes = await Database.ScalarAsync<string>(
            "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'seen_summarised' AND tablename = 'seen'");
        Assert.Equal("seen_by_stream,seen_key,seen_pkey", indexes);
        Assert.Equal(3, await Database.ScalarAsync<long>($"SELECT events FROM seen_summarised.seen_streams WHERE stream_id = '{streams[0]}'"));
        Assert.Equal(1, await Database.ScalarAsync<long>($"SELECT events FROM seen_summarised.seen_streams WHERE stream_id = '{streams[1]}'"));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'seen_summarised_%'"));
    }

    [Fact]
    public async Task A_rebuild_that_fails_is_told_and_leaves_the_serving_generation_as_it_was()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_rebuild_fails", poison: "unrebuildable");
        var live = Daemon(projection);
        await DrainAsync(live, projection);
        var before = await projection.ChecksumAsync();
        var poisoned = Guid.NewGuid();
        await AppendAsync(poisoned, ExpectedVersion.NoStream, TestEvents.Notes("unrebuildable"));
        // Otherwise the rebuild may rightly finish without it, and the live daemon meet it later.
        await WaitUntilReadableAsync(poisoned);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<ProjectionFailure>();
        var rebuilding = new ProjectionDaemon(Store, projection, new AppendSignal()) { Failed = failures.Enqueue };

        await rebuilding.RebuildAsync(Cancel);

        Assert.IsType<InvalidOperationException>(rebuilding.RebuildFailure);
        var told = Assert.Single(failures);
        Assert.Equal(("seen_rebuild_fails", null), (told.Projection, told.Position));
        Assert.Same(rebuilding.RebuildFailure, told.Error);
        Assert.Equal(before, await projection.ChecksumAsync());
    }

    [Fact]
    public async Task A_rebuilt_generation_has_exactly_the_rows_of_the_live_one()
    {
        var projection = await SeenProjection.CreateAsync(Database, "seen_compared");
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("x", "y"));
        }

        var live = Daemon(projection);
        await DrainAsync(live, projection);
        var before = await projection.ChecksumAsync();
        await live.RebuildAsync(Cancel);

        Assert.Null(live.RebuildFailure);
        Assert.Equal(before, await projection.ChecksumAsync());
    }

    [Fact]
    public async Task A_new_declared_version_is_rebuilt_at_start_and_recorded()
    {
        var first = await SeenProjection.CreateAsync(Database, "seen_versioned");
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("v1"));
        await DrainAsync(Daemon(first), first);

        var second = await SeenProjection.CreateAsync(Database, "seen_versioned", version: 2);
        var pending = Assert.Single(await ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel), s => s.Name == "seen_versioned");
        Assert.Equal(1, pending.Version);
        Assert.NotNull(pending.RebuildRequestedAt);

        using var stop = new CancellationTokenSource();
        var running = Daemon(second).RunAsync(stop.Token);
        await WaitUntilAsync(() => ProjectionCheckpoints.AllAsync(Database.DataSource, Cancel).Result.Single(s => s.Name == "seen_versioned")
            is { Version: 2, RebuildRequestedAt: null });
        await stop.CancelAsync();
        await running;
        Assert.Equal(await CountAllEventsAsync(), await second.CountAsync());
    }

    [Fact]
    public async Task Daemons_sharing_turns_apply_their_batches_one_at_a_time_and_each_applies_everything()
    {
        await AppendStreamsAsync(streams: 6, notesEach: 2);
        var (inBatch, mostAtOnce) = (0, 0);
        using var turns = new SemaphoreSlim(1, 1);
        var projections = new[] { await SeenProjection.CreateAsync(Database, "seen_turns_a"), await SeenProjection.CreateAsync(Database, "seen_turns_b") };
        var daemons = projections.Select(projection => new ProjectionDaemon(Store, projection, new AppendSignal())
        {
            BatchSize = 2,
            IdleWait = TimeSpan.FromMilliseconds(50),
            Turns = turns,
            // Each batch lingers before its commit, so that batches of the two daemons would overlap without turns.
            BeforeCommit = async _ =>
            {
                var now = Interlocked.Increment(ref inBatch);
                InterlockedMax(ref mostAtOnce, now);
                await Task.Delay(30, Cancel);
                Interlocked.Decrement(ref inBatch);
            },
        }).ToList();
        using var stop = new CancellationTokenSource();
        var running = daemons.Select(daemon => daemon.RunAsync(stop.Token)).ToList();

        var expected = await CountAllEventsAsync();
        await WaitUntilAsync(() => projections.All(p => p.CountAsync().Result == expected));
        await stop.CancelAsync();
        await Task.WhenAll(running);

        Assert.Equal(1, mostAtOnce);

        static void InterlockedMax(ref int most, int value)
        {
            for (var seen = Volatile.Read(ref most); value > seen; seen = Volatile.Read(ref most))
            {
                if (Interlocked.CompareExchange(ref most, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }

    [Fact]
    public async Task A_daemon_waiting_for_its_turn_stops_at_once_while_another_holds_the_turn()
    {
        await AppendStreamsAsync(streams: 2, notesEach: 1);
        using var turns = new SemaphoreSlim(1, 1);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = new ProjectionDaemon(Store, await SeenProjection.CreateAsync(Database, "seen_turn_holder"), new AppendSignal())
        {
            Turns = turns,
            BeforeCommit = async _ =>
            {
                holding.TrySetResult();
                await release.Task;
            },
        };
        var waiter = new ProjectionDaemon(Store, await SeenProjection.CreateAsync(Database, "seen_turn_waiter"), new AppendSignal())
        {
            Turns = turns,
            ShutdownGrace = TimeSpan.FromSeconds(30),
        };
        using var stopHolder = new CancellationTokenSource();
        using var stopWaiter = new CancellationTokenSource();
        var holderRunning = holder.RunAsync(stopHolder.Token);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        var waiterRunning = waiter.RunAsync(stopWaiter.Token);
        await WaitUntilAsync(() => waiter.IsLeader);

        await stopWaiter.CancelAsync();
        // Well within the grace a batch under way would get: the waiter had no batch under way.
        await waiterRunning.WaitAsync(TimeSpan.FromSeconds(5), Cancel);

        release.SetResult();
        await stopHolder.CancelAsync();
        await holderRunning;
    }

    private ProjectionDaemon Daemon(IProjection projection) =>
        new(Store, projection, new AppendSignal()) { BatchSize = 2, IdleWait = TimeSpan.FromMilliseconds(50) };

    /// <summary>
    /// Applies batches until the projection has seen every committed event. The global log may hold back while
    /// another test class's transaction is open on the shared cluster (it stalls, never skips), hence the wait.
    /// </summary>
    private async Task DrainAsync(ProjectionDaemon daemon, SeenProjection projection)
    {
        var expected = await CountAllEventsAsync();
        await WaitUntilAsync(() => daemon.ApplyNextBatchAsync(Cancel).Result >= 0 && projection.CountAsync().Result == expected);
    }

    /// <summary>
    /// Waits until the log can deliver these streams' events: until their transactions are older than every one still
    /// open in the cluster (another test class's may hold the log back; it stalls, never skips).
    /// </summary>
    private Task WaitUntilReadableAsync(params Guid[] streams) =>
        WaitUntilAsync(() => Database.ScalarAsync<bool>(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) > max(log_order) FROM ledger.events WHERE stream_id = ANY ($1)", streams).Result);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20, Cancel);
        }
    }
}
