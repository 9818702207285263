using System.Diagnostics;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Telemetry;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Runs one projection: takes its leadership (a PostgreSQL advisory lock held by a dedicated connection, so that
/// across any number of instances exactly one applies it, and another takes over when that connection dies), then
/// applies the global log in batches, each in one transaction with the checkpoint that records it.
/// </summary>
public sealed class ProjectionDaemon
{
    private readonly PostgresEventStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly IProjection _projection;
    private readonly AppendSignal _signal;
    private readonly KeyValuePair<string, object?> _tag;
    /// <summary>How far a count of the backlog goes: beyond, it would cost a catching-up daemon more than it tells.</summary>
    internal const int BacklogCountedUpTo = 100_000;

    private double _lagSeconds;
    private long _backlog;
    private long _backlogCountedAt;
    private LogCheckpoint _oneByOneUntil = LogCheckpoint.Start;

    /// <summary>Creates the daemon of one projection, woken by <paramref name="signal"/> (the store's by default).</summary>
    public ProjectionDaemon(PostgresEventStore store, IProjection projection, AppendSignal? signal = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projection);
        (_store, _dataSource, _projection, _signal) = (store, store.DataSource, projection, signal ?? store.Signal);
        _tag = new("coopledger.projection", _projection.Name);
        EventStoreTelemetry.ObserveLag(_projection.Name, () => Volatile.Read(ref _lagSeconds), () => Volatile.Read(ref _backlog));
    }

    /// <summary>How many events one transaction applies at most.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How long to wait for a wake-up before looking again (appends from elsewhere may lack a NOTIFY).</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long to let the log fill after a batch that was not full, before reading the next: under a steady stream
    /// of commands, a daemon woken by every commit would otherwise apply batches of one or two events, each paying
    /// for its own transaction, checkpoint and read of the partnerships it touches. The projection lags by at most this.
    /// At 20 ms the daemons' transactions cost as much PostgreSQL time as the commands' own under load (docs/PROJECTIONS.md).
    /// </summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Taken for each batch, when given: the daemons of one service share one, so that they apply their batches one at
    /// a time. Woken by the same commits, they would otherwise fold at once and take both cores of a small machine from
    /// the requests for the length of a batch (commands' p99 latency under load, docs/PROJECTIONS.md).
    /// </summary>
    public SemaphoreSlim? Turns { get; init; }

    /// <summary>
    /// Where the projection folds its batches, when given: a thread of lower priority, so that under load the folds
    /// take the processor the requests leave free (<see cref="BackgroundScheduler"/>).
    /// </summary>
    public BackgroundScheduler? Scheduler { get; init; }

    /// <summary>How long a batch under way may take to finish once the service is stopping.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Called after a batch is written and its checkpoint moved, before commit; throwing rolls both back.</summary>
    public Func<IReadOnlyList<RecordedEvent>, Task>? BeforeCommit { get; init; }

    /// <summary>The projection run.</summary>
    public string Name => _projection.Name;

    /// <summary>Whether this instance currently holds the projection's leadership.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Runs until cancelled: waits for leadership, then keeps the projection up to date, rebuilding it when asked.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        // On shutdown a batch already started is given ShutdownGrace to finish (its writes and checkpoint commit
        // together either way: cutting it loses nothing, it only repeats the work at the next start).
        using var draining = new CancellationTokenSource();
        using var stopping = stop.Register(() => draining.CancelAfter(ShutdownGrace));
        while (!stop.IsCancellationRequested)
        {
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stop);
            Task? rebuilding = null;
            try
            {
                await using var leadership = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                if (!await TryLeadAsync(leadership, stop).ConfigureAwait(false))
                {
                    await _signal.WaitAsync(IdleWait, stop).ConfigureAwait(false);
                    continue;
                }

                IsLeader = true;
                var lookedForRebuild = DateTime.MinValue;
                while (!stop.IsCancellationRequested && leadership.State == System.Data.ConnectionState.Open)
                {
                    if (rebuilding is { IsCompleted: true })
                    {
                        await rebuilding.ConfigureAwait(false);
                        rebuilding = null;
                    }

                    if (DateTime.UtcNow - lookedForRebuild > IdleWait)
                    {
                        // Asked on the leadership's own session: when the database restarted, that session (and its
                        // lock) is gone, the question fails, and leadership is given up and sought again.
                        lookedForRebuild = DateTime.UtcNow;
                        var requested = await RebuildRequestedAsync(leadership, stop).ConfigureAwait(false);
                        rebuilding ??= requested ? RebuildAsync(leading.Token) : null;
                    }

                    // An inline projection is written by the appends themselves: its leader only rebuilds it.
                    var applied = _store.Inline.Contains(_projection.Name) ? 0 : await ApplyInTurnAsync(stop, draining.Token).ConfigureAwait(false);
                    if (applied == 0)
                    {
                        await _signal.WaitAsync(rebuilding is null ? IdleWait : TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(false);
                    }
                    else if (applied < BatchSize && BatchWindow > TimeSpan.Zero)
                    {
                        await Task.Delay(BatchWindow, stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                // The database went away: leadership is lost with the connection; try again shortly.
                await Task.Delay(IdleWait, stop).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            finally
            {
                IsLeader = false;
                await leading.CancelAsync().ConfigureAwait(false);
                if (rebuilding is not null)
                {
                    await rebuilding.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Rebuilds the projection now, beside the serving generation, and swaps it in.</summary>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        using var activity = EventStoreTelemetry.Source.StartActivity("projection.rebuild");
        activity?.SetTag("coopledger.projection", _projection.Name);
        try
        {
            var checkpoint = await new ProjectionRebuild(_store, _projection) { AfterLoad = AfterRebuildLoad }
                .RunAsync(cancellationToken).ConfigureAwait(false);
            activity?.SetTag("coopledger.position", checkpoint.Position);
        }
        catch (Exception failure) when (failure is not OperationCanceledException and not NpgsqlException { IsTransient: true })
        {
            // The serving generation is untouched; the request is kept, so the next leader (or start) tries again.
            RebuildFailure = failure;
            Tell(activity, new ProjectionFailure(_projection.Name, null, failure));
        }
    }

    /// <summary>Tells a failure everywhere it shows: the span, the failure counter, and <see cref="Failed"/>.</summary>
    private void Tell(Activity? activity, ProjectionFailure failure)
    {
        activity?.SetStatus(ActivityStatusCode.Error, failure.Error.Message);
        EventStoreTelemetry.ProjectionFailures.Add(1, _tag);
        Failed?.Invoke(failure);
    }

    /// <summary>
    /// Told when the projection stops on an event it cannot apply, or when a rebuild fails: the service logs it, beside
    /// the failed status and the failure counter.
    /// </summary>
    public Action<ProjectionFailure>? Failed { get; init; }

    /// <summary>Why the last rebuild attempt on this instance failed, if it did.</summary>
    public Exception? RebuildFailure { get; private set; }

    /// <summary>Called when a rebuild has loaded its shadow, before its catch-up (tests append meanwhile).</summary>
    public Func<Task>? AfterRebuildLoad { get; init; }

    private async Task<bool> RebuildRequestedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var state = await ProjectionCheckpoints.FindAsync(connection, _projection.Name, cancellationToken).ConfigureAwait(false);
        return state?.RebuildRequestedAt is not null;
    }

    /// <summary>Applies the next batch once it is this daemon's turn; a stop ends the wait for a turn at once.</summary>
    private async Task<int> ApplyInTurnAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        if (Turns is null)
        {
            return await ApplyNextBatchAsync(cancellationToken).ConfigureAwait(false);
        }

        // Waiting for a turn is cut by the stop itself, not by the grace a batch under way gets: a daemon given its
        // turn after the stop would start a batch on a service shutting down.
        await Turns.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            return await ApplyNextBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Turns.Release();
        }
    }

    /// <summary>
    /// Applies the next batch in one transaction with its checkpoint; returns how many events it applied
    /// (0 when there is nothing new or the projection has stopped on an event it could not apply).
    /// </summary>
    public async Task<int> ApplyNextBatchAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = EventStoreTelemetry.Source.StartActivity("projection.batch");
        activity?.SetTag("coopledger.projection", _projection.Name);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var state = await ProjectionCheckpoints.LockAsync(connection, _projection.Name, cancellationToken).ConfigureAwait(false);
        if (state.Status != "running")
        {
            return 0;
        }

        var size = state.Checkpoint < _oneByOneUntil ? 1 : BatchSize;
        var batch = await _store.LogTail.ReadAsync(connection, state.Checkpoint, size, cancellationToken).ConfigureAwait(false);
        if (batch.Events.Count == 0)
        {
            Volatile.Write(ref _lagSeconds, 0);
            Volatile.Write(ref _backlog, 0);
            return 0;
        }

        try
        {
            var target = new ProjectionTarget(connection, _projection.Name, _projection.Tables);
            var applying = Scheduler is null
                ? _projection.ApplyAsync(target, batch.Events, cancellationToken)
                : Scheduler.RunAsync(() => _projection.ApplyAsync(target, batch.Events, cancellationToken), cancellationToken);
            await applying.ConfigureAwait(false);
        }
        catch (Exception poison) when (poison is not OperationCanceledException and not NpgsqlException { IsTransient: true })
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Events.Count > 1)
            {
                // Which event? Go through this stretch one event at a time: the failing one is then named exactly.
                _oneByOneUntil = batch.Next;
                return await ApplyNextBatchAsync(cancellationToken).ConfigureAwait(false);
            }

            await ProjectionCheckpoints.FailAsync(_dataSource, _projection.Name, batch.Events[0].Position, $"{poison.GetType().Name}: {poison.Message}", cancellationToken)
                .ConfigureAwait(false);
            Tell(activity, new ProjectionFailure(_projection.Name, batch.Events[0].Position, poison));
            return 0;
        }

        await ProjectionCheckpoints.AdvanceAsync(connection, _projection.Name, batch.Next, cancellationToken).ConfigureAwait(false);
        if (BeforeCommit is not null)
        {
            await BeforeCommit(batch.Events).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _lagSeconds, Math.Max(0, (DateTimeOffset.UtcNow - batch.Events[^1].RecordedAt).TotalSeconds));
        Volatile.Write(ref _backlog, batch.Events.Count < size ? 0 : await BacklogAsync(connection, batch.Next, batch.Events.Count, cancellationToken).ConfigureAwait(false));
        EventStoreTelemetry.ProjectionBatchSize.Record(batch.Events.Count, _tag);
        EventStoreTelemetry.ProjectionBatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tag);
        activity?.SetTag("coopledger.position", batch.Next.Position);
        activity?.SetTag("coopledger.event.count", batch.Events.Count);
        return batch.Events.Count;
    }

    /// <summary>
    /// The committed events after a checkpoint, counted at most once a second (up to <see cref="BacklogCountedUpTo"/>);
    /// in between, the last count less what was applied since. Only asked after a full batch: a batch that was not
    /// full took every event committed when it read, and leaves no backlog to count.
    /// </summary>
    private async Task<long> BacklogAsync(NpgsqlConnection connection, LogCheckpoint after, int applied, CancellationToken cancellationToken)
    {
        if (Stopwatch.GetElapsedTime(_backlogCountedAt) < TimeSpan.FromSeconds(1))
        {
            return Math.Max(0, Volatile.Read(ref _backlog) - applied);
        }

        _backlogCountedAt = Stopwatch.GetTimestamp();
        return await LogBacklog.CountAsync(connection, after, BacklogCountedUpTo, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TryLeadAsync(NpgsqlConnection leadership, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('projection:' || $1, 0))", leadership);
        command.Parameters.Add(new() { Value = _projection.Name });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }
}
