using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using CoopLedger.EventStore.Telemetry;
using Npgsql;

namespace CoopLedger.EventStore.Appending;

/// <summary>
/// Group commit: appends that arrive while every writer is busy wait for the next free one, which sends all of them
/// in one call of <c>ledger.append_group</c>: one round trip, one transaction, one statement and one commit for all.
/// </summary>
/// <remarks>
/// An append waits only while a writer is busy or gathering (<see cref="GatherAsync"/>), so a lone caller's latency does
/// not change: its next append ends the gather at once. One writer at a time is
/// the rule: every further transaction in flight costs the database its own statements and commit. On the bench's two
/// cores, writers that took whatever waited made groups of one or two at eight clients and of six at 32, and appended
/// a sixth to a fifth less than one writer (groups of four and sixteen). A further writer (up to <c>maxWriters</c>)
/// starts only when those at work cannot keep up: a full group is waiting (full by appends or by events: past some
/// events a group gains little by growing, and a further writer's group uses another core), or every writer's group has been out for
/// <see cref="StallAfter"/> (stalled, say on a new stream another transaction is creating); it goes on while a group
/// stays stalled, and the writers fold back into one after. A group waits for no stream lock: an append whose stream
/// another transaction holds (a command deciding under its stream's lock) comes back to run alone beside the writer,
/// through <c>ledger.append</c>, which waits for the lock; so do appends whose checks the group's one statement cannot
/// make (an idempotency key; see <c>ledger.append_group</c>). Each append keeps its own version check and its own
/// answer (a conflict is an outcome, not an error, and does not disturb the others), and is acknowledged only once its
/// group has committed. Should the group's statement fail, nothing of the group has committed: each of its appends
/// then runs again alone, so that only the one at fault fails. A statement that found a stream moved under its
/// snapshot (which it refuses to chain from) first runs once more, with a new snapshot.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "Its semaphore's wait handle is never asked for: a SemaphoreSlim without one holds nothing to dispose.")]
internal sealed class GroupCommit
{
    /// <summary>
    /// How long a group may be out before it counts as stalled and another writer may start: well above a group's
    /// usual time (a millisecond or two with the commit's flush), well below what a caller would notice.
    /// </summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a writer gathers a group at most (<see cref="GatherAsync"/>), whatever its last group took.</summary>
    public static readonly TimeSpan MaxGather = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How many groups at most go without a gather after gathers in a row that few came back to: under open traffic,
    /// one group in nine still gathers; callers turning to a closed loop wait at most this many groups for it.
    /// </summary>
    public const int MaxGathersSkipped = 8;

    private readonly ConcurrentQueue<Waiting> _queue = new();
    private readonly SemaphoreSlim _aloneSlots;

    /// <summary>When each writer's group in flight started (a stall is a group out for long).</summary>
    private readonly ConcurrentDictionary<object, long> _inFlight = new();

    /// <summary>Per stream, the last of its appends running alone.</summary>
    private readonly Dictionary<Guid, Task> _runningAlone = [];
    private readonly NpgsqlDataSource _dataSource;
    private readonly int _maxWriters;
    private readonly int _maxGroupSize;
    private readonly int _maxGroupEvents;

    /// <summary>How many events the queued appends carry (a group is full by appends or by events).</summary>
    private int _waitingEvents;

    /// <summary>How many appends have arrived so far (a writer gathers those answered coming back: <see cref="GatherAsync"/>).</summary>
    private long _arrivals;
    private int _stallCheckArmed;
    private int _writers;

    /// <summary>How many of the next groups go without a gather, and how many will after the next unanswered one.</summary>
    private int _gathersToSkip;
    private int _skipAfterUnanswered = 1;
    private long _unansweredGathers;

    /// <param name="dataSource">Where the appends go.</param>
    /// <param name="maxWriters">How many groups may be in flight at once.</param>
    /// <param name="maxGroupSize">How many appends one group takes at most.</param>
    /// <param name="maxGroupEvents">How many events fill a group (the append that brings it past them still goes in).</param>
    public GroupCommit(NpgsqlDataSource dataSource, int maxWriters, int maxGroupSize, int maxGroupEvents)
    {
        _dataSource = dataSource;
        _maxWriters = maxWriters;
        _aloneSlots = new SemaphoreSlim(Math.Max(1, Math.Min(maxWriters, 16)));
        _maxGroupSize = maxGroupSize;
        _maxGroupEvents = maxGroupEvents;
    }

    /// <summary>Runs an append in the next group and answers once that group has committed.</summary>
    public Task<AppendOutcome> AppendAsync(AppendStatement statement, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiting = new Waiting(statement, new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        Interlocked.Add(ref _waitingEvents, statement.EventCount);
        _queue.Enqueue(waiting);
        Interlocked.Increment(ref _arrivals);
        StartWriterIfNeeded();
        return waiting.Done.Task.WaitAsync(cancellationToken);
    }

    private void StartWriterIfNeeded()
    {
        while (!_queue.IsEmpty)
        {
            var writers = Volatile.Read(ref _writers);
            if (writers >= _maxWriters)
            {
                return;
            }

            if (writers > 0 && !WritersFallBehind(writers))
            {
                // The busy writers will take these appends, unless they stall: look again then.
                WatchForStall();
                return;
            }

            if (Interlocked.CompareExchange(ref _writers, writers + 1, writers) == writers)
            {
                // Not in the context (trace, request) of the append that happened to start it: its groups are everyone's.
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(WriteAsync);
                }

                return;
            }
        }
    }

    /// <summary>Whether the busy writers cannot keep up: a full group waits, or every one of them is held by a stalled group.</summary>
    private bool WritersFallBehind(int writers) => FullGroupWaits() || StalledGroups() >= writers;

    /// <summary>Whether the queue holds a full group, by appends or by events.</summary>
    private bool FullGroupWaits() => _queue.Count >= _maxGroupSize || Volatile.Read(ref _waitingEvents) >= _maxGroupEvents;

    /// <summary>How many groups in flight have been out for <see cref="StallAfter"/> or longer.</summary>
    private int StalledGroups()
    {
        var stalled = 0;
        // Enumerated in place: Values would copy them on every call.
        foreach (var (_, started) in _inFlight)
        {
            if (Stopwatch.GetElapsedTime(started) >= StallAfter)
            {
                stalled++;
            }
        }

        return stalled;
    }

    private void WatchForStall()
    {
        if (Interlocked.Exchange(ref _stallCheckArmed, 1) == 0)
        {
            // At most one look pending, so at most one every StallAfter, and only while appends wait on busy writers.
            _ = Task.Delay(StallAfter).ContinueWith(
                static (_, groups) => ((GroupCommit)groups!).OnStallCheck(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void OnStallCheck()
    {
        Volatile.Write(ref _stallCheckArmed, 0);
        StartWriterIfNeeded();
    }

    /// <summary>
    /// A writer sends groups until nothing waits, then stops. Beside other writers it goes on only while a full group
    /// waits or another writer's group is stalled, and stops once the stall is over: the writers fold back into one.
    /// </summary>
    private async Task WriteAsync()
    {
        var writer = new object();
        try
        {
            while ((Volatile.Read(ref _writers) == 1 || FullGroupWaits() || StalledGroups() > 0) && Take() is { Count: > 0 } group)
            {
                var sent = Stopwatch.GetTimestamp();
                _inFlight[writer] = sent;
                Answered answered;
                try
                {
                    answered = await SendAsync(group).ConfigureAwait(false);
                }
                finally
                {
                    _inFlight.TryRemove(writer, out _);
                }

                await GatherAsync(answered, Stopwatch.GetElapsedTime(sent)).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
            // An append may have been queued after this writer found the queue empty and before it counted itself out.
            StartWriterIfNeeded();
        }
    }

    /// <summary>
    /// Waits, after a group, for the callers it answered to come back: as many appends as it had arriving since, a full
    /// group waiting, or a quarter of the group's time (at most <see cref="MaxGather"/>) passing. Callers who append,
    /// are answered and append again (a command handler, a client in a loop) would otherwise split into cohorts: those
    /// answered come back while the next group, of those who waited, is out, and wait for it; at eight such callers,
    /// groups of four (or of one and seven) each paying a statement's fixed cost and a commit's flush, where gathered
    /// they go eight at a time. It yields rather than sleeps (a timer is too coarse for a wait of tens of microseconds),
    /// and waits for no one when none was answered. Open traffic, whose answered callers do not come back, would have
    /// it wait its whole bound after many groups (yielding on the thread pool, and delaying by as much the appends that
    /// arrive meanwhile): after a gather that waited its whole bound and saw fewer than half as many appends arrive as
    /// it answered callers, the next group goes without one, and after each further such gather twice as many (up to
    /// <see cref="MaxGathersSkipped"/>), until one sees them come back. Arrivals from callers it did not answer count
    /// as coming back: it cannot tell them apart.
    /// </summary>
    private async Task GatherAsync(Answered answered, TimeSpan groupTook)
    {
        if (answered.Count == 0)
        {
            return;
        }

        // One writer at a time as a rule; should two race here, a skip is lost or counted twice, which costs nothing.
        if (_gathersToSkip > 0)
        {
            _gathersToSkip--;
            return;
        }

        var bound = Math.Min(groupTook.Ticks / 4, MaxGather.Ticks);
        var started = Stopwatch.GetTimestamp();
        long cameBack;
        while ((cameBack = Interlocked.Read(ref _arrivals) - answered.ArrivalsBefore) < answered.Count && !FullGroupWaits())
        {
            if (Stopwatch.GetElapsedTime(started).Ticks >= bound)
            {
                break;
            }

            await Task.Yield();
        }

        if (cameBack * 2 >= answered.Count || FullGroupWaits())
        {
            _skipAfterUnanswered = 1;
            return;
        }

        Interlocked.Increment(ref _unansweredGathers);
        _gathersToSkip = _skipAfterUnanswered;
        _skipAfterUnanswered = Math.Min(_skipAfterUnanswered * 2, MaxGathersSkipped);
    }

    /// <summary>How many gathers have waited their whole bound for callers few of whom came back (<see cref="GatherAsync"/>).</summary>
    public long UnansweredGathers => Interlocked.Read(ref _unansweredGathers);

    private List<Waiting> Take()
    {
        var group = new List<Waiting>();
        var events = 0;
        while (group.Count < _maxGroupSize && events < _maxGroupEvents && _queue.TryDequeue(out var waiting))
        {
            Interlocked.Add(ref _waitingEvents, -waiting.Statement.EventCount);
            events += waiting.Statement.EventCount;
            // An append whose caller gave up before it was sent is not sent.
            if (!waiting.Cancellation.IsCancellationRequested)
            {
                group.Add(waiting);
            }
        }

        // Groups lock their streams in one order (stable: one stream's appends keep theirs), so two groups in flight
        // never wait for each other in a cycle.
        return [.. group.OrderBy(w => w.Statement.StreamId)];
    }

    /// <summary>Sends a group and answers its callers (all but those left to run alone).</summary>
    private async Task<Answered> SendAsync(List<Waiting> group)
    {
        // Once per group: its statement may run twice (RunGroupAsync).
        EventStoreTelemetry.AppendGroupSize.Record(group.Count);
        try
        {
            var outcomes = await RunGroupAsync(group).ConfigureAwait(false);
            var arrivals = Interlocked.Read(ref _arrivals);
            var alone = new List<Waiting>();
            for (var i = 0; i < group.Count; i++)
            {
                if (outcomes[i].Outcome == AppendOutcome.Alone)
                {
                    alone.Add(group[i]);
                }
                else
                {
                    group[i].Done.TrySetResult(outcomes[i]);
                }
            }

            // They run alone, on connections of their own, where they may wait for their stream's lock without holding
            // back the writer and the appends after them; each stream's in queue order, behind those it has running alone.
            foreach (var stream in alone.GroupBy(w => w.Statement.StreamId))
            {
                RunAlone(stream.Key, [.. stream]);
            }

            return new(group.Count - alone.Count, arrivals);
        }
        catch (PostgresException) when (group.Count > 1)
        {
            // The server refused the statement, so the whole group rolled back: run each alone to find the one at fault.
            foreach (var waiting in group)
            {
                await SendAloneAsync(waiting, CancellationToken.None).ConfigureAwait(false);
            }

            // No gathering after a refused group: its callers were answered one by one, some long back.
            return Answered.None;
        }
#pragma warning disable CA1031 // Whatever failed the group (a lost connection, a timeout) is each waiting caller's to see.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(failure);
            }

            return Answered.None;
        }
    }

    /// <summary>
    /// The group's outcomes. Its statement runs again once should it find a stream moved under its snapshot (a
    /// serialization failure, <c>ledger.unseen_chain_head</c>): a new statement has a new snapshot.
    /// </summary>
    private async Task<AppendOutcome[]> RunGroupAsync(List<Waiting> group)
    {
        try
        {
            return await RunAsync(group).ConfigureAwait(false);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.SerializationFailure && group.Count > 1)
        {
            return await RunAsync(group).ConfigureAwait(false);
        }
    }

    /// <summary>Runs an append alone through <c>ledger.append</c>, and answers its caller.</summary>
    private async Task SendAloneAsync(Waiting alone, CancellationToken cancellation)
    {
        try
        {
            alone.Done.TrySetResult(await RunOneAsync(alone.Statement, cancellation).ConfigureAwait(false));
        }
#pragma warning disable CA1031 // Whatever failed the append is its caller's to see.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            alone.Done.TrySetException(failure);
        }
    }

    /// <summary>
    /// Runs a stream's appends its group left alone, one after the other, behind those of the stream already running
    /// alone: the stream's later appends, in this group or the next, do not overtake them.
    /// </summary>
    private void RunAlone(Guid stream, List<Waiting> appends)
    {
        lock (_runningAlone)
        {
            var before = _runningAlone.GetValueOrDefault(stream) ?? Task.CompletedTask;
            var last = RunAloneAfterAsync(before, appends);
            _runningAlone[stream] = last;
            _ = last.ContinueWith(
                done =>
                {
                    lock (_runningAlone)
                    {
                        if (_runningAlone.TryGetValue(stream, out var current) && current == done)
                        {
                            _runningAlone.Remove(stream);
                        }
                    }
                },
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Whether some of a stream's appends are running alone (its next ones then run alone too, behind them).</summary>
    private bool RunsAlone(Guid stream)
    {
        lock (_runningAlone)
        {
            return _runningAlone.ContainsKey(stream);
        }
    }

    /// <summary>
    /// Runs appends alone, one after the other, once <paramref name="before"/> is done: unlike a group's, each waits
    /// for its caller, who may give up while it waits for its stream's lock (nothing is then written). At most as many
    /// streams' run at once as there may be writers (16 at most), so that one contended stream cannot take every pooled
    /// connection.
    /// </summary>
    private async Task RunAloneAfterAsync(Task before, List<Waiting> appends)
    {
        // Never on the caller's thread: it holds the lock on the streams running alone.
        await Task.Yield();
        await before.ConfigureAwait(false);
        foreach (var alone in appends)
        {
            try
            {
                await _aloneSlots.WaitAsync(alone.Cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                alone.Done.TrySetCanceled(alone.Cancellation);
                continue;
            }

            try
            {
                await SendAloneAsync(alone, alone.Cancellation).ConfigureAwait(false);
            }
            finally
            {
                _aloneSlots.Release();
            }
        }
    }

    private async Task<AppendOutcome[]> RunAsync(List<Waiting> group)
    {
        // The group's statement moves a stream once and makes no idempotency check: the appends it cannot take are left
        // to run alone, as are a stream's after its first, and those of a stream with appends running alone.
        var outcomes = new AppendOutcome[group.Count];
        var sent = new List<AppendStatement>(group.Count);
        var places = new List<int>(group.Count);
        var streams = new HashSet<Guid>();
        for (var i = 0; i < group.Count; i++)
        {
            var append = group[i].Statement;
            if (streams.Add(append.StreamId) && (group.Count == 1 || GroupStatement.Takes(append)) && !RunsAlone(append.StreamId))
            {
                sent.Add(append);
                places.Add(i);
            }
            else
            {
                outcomes[i] = GroupStatement.LeftAlone;
            }
        }

        var answers = sent.Count switch
        {
            0 => [],
            // An append alone costs less through ledger.append, whose statements are all it needs (and it makes every check).
            1 => [await RunOneAsync(sent[0], CancellationToken.None).ConfigureAwait(false)],
            _ => await RunStatementAsync(sent).ConfigureAwait(false),
        };
        for (var k = 0; k < answers.Length; k++)
        {
            outcomes[places[k]] = answers[k];
        }

        return outcomes;
    }

    /// <summary>
    /// Runs the group's statement: one statement, so one transaction, all of the group committing or none of it. It
    /// does not heed its callers' cancellation (the group is everyone's); the data source's command timeout bounds it.
    /// </summary>
    private async Task<AppendOutcome[]> RunStatementAsync(List<AppendStatement> group)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { GroupStatement.ToCommand(group) } };
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        // Disposed only once the server is ready for the next query, that is once the group has committed.
        return await GroupStatement.ReadOutcomesAsync(reader, group.Count, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Runs one append through <c>ledger.append</c>, in a transaction of its own.</summary>
    private async Task<AppendOutcome> RunOneAsync(AppendStatement append, CancellationToken cancellation)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { append.ToCommand() } };
        await using var reader = await batch.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        // Once the statement runs, its answer is read whatever the caller does: the append may commit. The reader is
        // disposed once the server is ready for the next query, that is once the append has committed.
        return await AppendStatement.ReadOutcomeAsync(reader, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>How many callers a group answered, and how many appends had arrived by then (<see cref="GatherAsync"/>).</summary>
    private readonly record struct Answered(int Count, long ArrivalsBefore)
    {
        /// <summary>None to wait for: the writer takes its next group at once.</summary>
        public static Answered None => default;
    }

    private sealed record Waiting(AppendStatement Statement, TaskCompletionSource<AppendOutcome> Done, CancellationToken Cancellation);
}
