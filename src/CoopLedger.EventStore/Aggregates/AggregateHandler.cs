using System.Diagnostics;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.EventStore.Telemetry;
using Npgsql;

namespace CoopLedger.EventStore.Aggregates;

/// <summary>
/// The aggregate-handler workflow: load a stream, fold it, run a pure decision, and append what it returns with
/// the loaded version as the expected version, all in one transaction.
/// </summary>
/// <typeparam name="TState">The folded state.</typeparam>
/// <param name="store">The store.</param>
/// <param name="streamType">The type recorded for new streams.</param>
/// <param name="initial">The state before the first event.</param>
/// <param name="evolve">How one event changes the state.</param>
/// <param name="prepare">How a loaded history is read before folding (e.g. corrections applied); as is when null.</param>
public sealed class AggregateHandler<TState>(
    PostgresEventStore store, string streamType, TState initial, Func<TState, RecordedEvent, TState> evolve,
    Func<IReadOnlyList<RecordedEvent>, IReadOnlyList<RecordedEvent>>? prepare = null)
{
    /// <summary>Commands without an expected version take turns per stream within this process.</summary>
    private readonly StreamTurns _turns = new();

    /// <summary>With a <see cref="Cache"/>, each stream's folded state at its last version.</summary>
    private readonly StreamMemo<(long Version, TState State)> _states = new(50_000);

    /// <summary>
    /// Where histories are read from: a cache reads only the versions it has not seen (on the command's connection,
    /// after the stream's lock), instead of reading and deserializing the whole stream for every command; with it,
    /// the handler also keeps each stream's folded state, so a command folds only the events since.
    /// </summary>
    public StreamCache? Cache { get; init; }

    /// <summary>
    /// Which events change how the history before them reads (e.g. a correction): after one, the state is folded
    /// again from the start. Without it, a handler with a <see cref="Cache"/> and a <c>prepare</c> step always refolds.
    /// </summary>
    public Func<RecordedEvent, bool>? RewritesHistory { get; init; }

    /// <summary>How many times a command without an expected version is decided again after a conflict.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>
    /// Handles one command. With <paramref name="expectedVersion"/> the client's view must be current (else a
    /// <see cref="StreamVersionConflictException"/>); without it, the command first decides on the history it reads
    /// and appends expecting that version; should another writer have come in between, it waits its turn on the
    /// stream's lock and decides again (and, should two commands create a stream at once, once more), so only a real
    /// refusal by <paramref name="decide"/> reaches the caller.
    /// </summary>
    /// <remarks>
    /// The first attempt takes no lock and, when there is nothing to commit with the events, no transaction either:
    /// one append, in a group commit shared with other commands' under load, decided on the history the cache holds
    /// (it holds this process's own appends, offered once committed) or, for a stream not cached, on one read of it.
    /// The database's version check makes that exactly as safe as deciding under the lock: should the stream have moved
    /// meanwhile (another process appended), the append is refused and the command decided again on what it reads. The
    /// lock is kept for streams that writers contend for, where deciding optimistically would mostly lose.
    /// </remarks>
    /// <param name="streamId">The stream.</param>
    /// <param name="expectedVersion">The version the client saw, or null to decide on whatever is current.</param>
    /// <param name="decide">The pure decision, given the folded state and its version.</param>
    /// <param name="metadata">Who, why, correlation.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="beforeCommit">Work that must commit or roll back with the events (e.g. an idempotency record).</param>
    public async Task<HandledCommand<TState>> HandleAsync(
        Guid streamId, long? expectedVersion, Func<TState, long, IReadOnlyList<NewEvent>> decide, AppendMetadata metadata,
        CancellationToken cancellationToken, Func<NpgsqlConnection, HandledCommand<TState>, CancellationToken, Task>? beforeCommit = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        using var activity = EventStoreTelemetry.Source.StartActivity("eventstore.handle_command");
        activity?.SetTag("coopledger.stream.id", streamId);
        // A command that decides on whatever is current waits for the one before it on the same stream: deciding at
        // the same time, one of them would lose at the append and decide again under the stream's lock. (With an
        // expected version, a command is refused or not whatever the order: it need not wait.)
        using var turn = expectedVersion is null ? await _turns.TakeAsync(streamId, cancellationToken).ConfigureAwait(false) : default;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var takeTurns = expectedVersion is null && attempt > 1;
                return await HandleOnceAsync(streamId, expectedVersion, takeTurns, decide, metadata, beforeCommit, cancellationToken).ConfigureAwait(false);
            }
            catch (StreamVersionConflictException) when (expectedVersion is null && attempt < MaxAttempts)
            {
                activity?.AddEvent(new ActivityEvent("retry after version conflict"));
            }
        }
    }

    /// <summary>Folds a stream's events into the state.</summary>
    public TState Fold(IReadOnlyList<RecordedEvent> events) => (prepare?.Invoke(events) ?? events).Aggregate(initial, evolve);

    /// <summary>
    /// The state after <paramref name="history"/>: from the state kept at an earlier version plus the events since,
    /// when none of them rewrites history; else folded from the start. Folding every command's whole stream made
    /// a command's cost grow with its partnership's history.
    /// </summary>
    private TState FoldStream(Guid streamId, IReadOnlyList<RecordedEvent> history)
    {
        if (Cache is null)
        {
            return Fold(history);
        }

        var version = history.Count == 0 ? 0 : history[^1].Version;
        var incremental = prepare is null || RewritesHistory is not null;
        TState state;
        if (incremental && _states.TryGet(streamId, out var kept) && kept.Version <= version && history.Count == version
            && !history.Skip((int)kept.Version).Any(e => RewritesHistory?.Invoke(e) == true))
        {
            state = history.Skip((int)kept.Version).Aggregate(kept.State, evolve);
        }
        else
        {
            state = Fold(history);
        }

        _states.Keep(streamId, (version, state));
        return state;
    }

    private async Task<HandledCommand<TState>> HandleOnceAsync(
        Guid streamId, long? expectedVersion, bool takeTurns, Func<TState, long, IReadOnlyList<NewEvent>> decide, AppendMetadata metadata,
        Func<NpgsqlConnection, HandledCommand<TState>, CancellationToken, Task>? beforeCommit, CancellationToken cancellationToken)
    {
        // The append is one statement, so it is atomic on its own: a transaction is needed only to take the lock
        // first, or to commit other writes (the caller's, inline projections') with the events.
        if (!takeTurns && beforeCommit is null && store.Inline.All.Count == 0)
        {
            // No connection is held: the history's newer versions come in a query shared with other reads, and the
            // append joins the store's group commit.
            var decided = await DecideAsync(null, streamId, expectedVersion, decide, cancellationToken).ConfigureAwait(false);

            var appended = decided.Events.Count == 0
                ? decided.Unchanged
                : await store.AppendAsync(streamId, streamType, ExpectedVersion.Exactly(decided.Version), decided.Events, metadata, cancellationToken).ConfigureAwait(false);
            Cache?.Offer(appended.Events);
            return new HandledCommand<TState>(decided.State, appended, decided.Events);
        }

        await using (var connection = await store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            if (takeTurns)
            {
                // Writers contend for this stream: take turns on its row lock rather than racing and retrying, so this
                // one decides on the latest state. (A stream that two commands create at once still retries.)
                await PostgresEventStore.LockStreamAsync(connection, streamId, cancellationToken).ConfigureAwait(false);
            }

            var decided = await DecideAsync(connection, streamId, expectedVersion, decide, cancellationToken).ConfigureAwait(false);
            var appended = decided.Events.Count == 0
                ? decided.Unchanged
                : await store.AppendAsync(
                    connection, streamId, streamType, ExpectedVersion.Exactly(decided.Version), decided.Events, metadata, cancellationToken).ConfigureAwait(false);
            var handled = new HandledCommand<TState>(decided.State, appended, decided.Events);
            if (beforeCommit is not null)
            {
                await beforeCommit(connection, handled, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            store.Signal.Raise();
            Cache?.Offer(appended.Events);
            return handled;
        }
    }

    /// <summary>
    /// Reads the history (through the cache, when there is one; on the caller's connection when given, else as
    /// committed), checks the client's version, folds and decides. Without a connection, a decision to append may go
    /// on the history the cache holds, unread (see <see cref="CachedHistory"/>).
    /// </summary>
    private async Task<Decided> DecideAsync(
        NpgsqlConnection? connection, Guid streamId, long? expectedVersion, Func<TState, long, IReadOnlyList<NewEvent>> decide,
        CancellationToken cancellationToken)
    {
        // The database checks only an append against the stream's version: a refusal, or a decision to append nothing,
        // taken on a history that may be behind, is taken again on a read.
        if (connection is null
            && CachedHistory(streamId, expectedVersion) is { } cached
            && TryDecide(streamId, cached, expectedVersion, decide) is { Events.Count: > 0 } unread)
        {
            return unread;
        }

        var history = (Cache, connection) switch
        {
            (null, null) => await store.ReadStreamAsync(streamId, null, cancellationToken).ConfigureAwait(false),
            (null, _) => await store.ReadStreamAsync(connection, streamId, null, cancellationToken).ConfigureAwait(false),
            (_, null) => await Cache.ReadAsync(streamId, cancellationToken).ConfigureAwait(false),
            _ => await Cache.ReadAsync(connection, streamId, cancellationToken).ConfigureAwait(false),
        };
        return Decide(streamId, history, expectedVersion, decide);
    }

    /// <summary>Checks the client's version against the history, folds it and decides.</summary>
    private Decided Decide(Guid streamId, IReadOnlyList<RecordedEvent> history, long? expectedVersion, Func<TState, long, IReadOnlyList<NewEvent>> decide)
    {
        var loadedVersion = history.Count == 0 ? 0 : history[^1].Version;
        if (expectedVersion is long expected && expected != loadedVersion)
        {
            throw new StreamVersionConflictException(streamId, ExpectedVersion.Exactly(expected), loadedVersion);
        }

        var state = FoldStream(streamId, history);
        var unchanged = new AppendResult(streamId, loadedVersion, history.Count == 0 ? 0 : history[^1].Position, false);
        return new Decided(state, loadedVersion, decide(state, loadedVersion), unchanged);
    }

    /// <summary>The decision on a history that may be behind, or null when it refuses (a read will tell whether it stands).</summary>
    private Decided? TryDecide(Guid streamId, IReadOnlyList<RecordedEvent> history, long? expectedVersion, Func<TState, long, IReadOnlyList<NewEvent>> decide)
    {
        try
        {
            return Decide(streamId, history, expectedVersion, decide);
        }
#pragma warning disable CA1031 // Whatever it threw rests on a history that may be behind: decided again on a read, it throws again if it stands.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// The cached history, when a decision without a lock may go on it unread: the stream is cached, and the client, if
    /// it names a version, names none the cache has not seen (a later one was appended elsewhere: read it). A version
    /// appended since by another process makes the append conflict, and the command is decided again on a read.
    /// </summary>
    private IReadOnlyList<RecordedEvent>? CachedHistory(Guid streamId, long? expectedVersion) =>
        Cache?.Cached(streamId) is { Count: > 0 } cached && (expectedVersion ?? 0) <= cached[^1].Version ? cached : null;

    /// <summary>A decision: the state it was taken on, at which version, the events it appends, and the answer should it append none.</summary>
    private sealed record Decided(TState State, long Version, IReadOnlyList<NewEvent> Events, AppendResult Unchanged);
}
