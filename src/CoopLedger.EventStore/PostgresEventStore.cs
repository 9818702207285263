using System.Diagnostics;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.EventStore.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace CoopLedger.EventStore;

/// <summary>
/// The event store: appends to streams with the version check inside PostgreSQL, reads streams on both time axes.
/// It knows nothing of partnerships.
/// </summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource, EventTypeRegistry types, AppendSignal? signal = null)
{
    /// <summary>The registry the store serializes with.</summary>
    public EventTypeRegistry Types => types;

    /// <summary>The data source the store reads and writes.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Raised after an append this store made has committed.</summary>
    public AppendSignal Signal { get; } = signal ?? new AppendSignal();

    /// <summary>The projections every append applies in its own transaction.</summary>
    public InlineProjections Inline { get; } = new();

    /// <summary>The global log's latest batches, shared by the projection daemons that follow it.</summary>
    public LogTail LogTail => LazyInitializer.EnsureInitialized(ref _logTail, () => new LogTail(new GlobalLogReader(dataSource, types)));

    private LogTail? _logTail;
    private GroupCommit? _groups;

    /// <summary>
    /// How many group commits may be in flight at once (see <see cref="AppendAsync(Guid, string, ExpectedVersion, IReadOnlyList{NewEvent}, AppendMetadata, CancellationToken)"/>):
    /// one as a rule, appends arriving while it is busy waiting and going together in the next; more only while a full
    /// group waits or the groups in flight are stalled (<see cref="GroupCommit"/>).
    /// </summary>
    public int AppendWriters { get; init; } = 4;

    /// <summary>How many appends one group commit takes at most.</summary>
    public int MaxAppendsPerGroup { get; init => field = AtLeastOne(value, nameof(MaxAppendsPerGroup)); } = 64;

    /// <summary>
    /// How many events fill a group commit: a group stops taking appends once it holds this many (an append that brings
    /// it past them still goes in). A group's statement costs PostgreSQL a fixed part (about
    /// 0.3 ms on the bench's host) and about 30 µs per event: past a few times the fixed part, a group gains little by
    /// growing, and a full group waiting starts a further writer, whose group runs on another core meanwhile (ten-event
    /// appends at 8 clients: about a fifth more events per second than with groups bounded by appends alone).
    /// </summary>
    public int MaxEventsPerGroup { get; init => field = AtLeastOne(value, nameof(MaxEventsPerGroup)); } = 32;

    /// <summary>A bound of a group: below one, groups would take nothing and their callers wait for ever.</summary>
    private static int AtLeastOne(int value, string name) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(name, value, "A group takes at least one append.");

    /// <summary>The group commit all appends in transactions of their own go through.</summary>
    internal GroupCommit Groups => LazyInitializer.EnsureInitialized(
        ref _groups, () => new GroupCommit(dataSource, AppendWriters, MaxAppendsPerGroup, MaxEventsPerGroup));

    /// <summary>Appends events to one stream atomically, in a transaction of its own.</summary>
    /// <remarks>
    /// The append is one call of <c>ledger.append</c>, and one statement is one transaction: no BEGIN/COMMIT round
    /// trips are needed for it to be atomic. Concurrent appends share transactions (<see cref="GroupCommit"/>): one
    /// round trip and one commit for all the appends that arrived while the previous groups were in flight, each still
    /// checked and answered on its own. With inline projections, which write in the append's transaction, each append
    /// has a transaction of its own.
    /// </remarks>
    public async Task<AppendResult> AppendAsync(
        Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events, AppendMetadata metadata,
        CancellationToken cancellationToken)
    {
        if (Inline.All.Count > 0)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var appended = await AppendAsync(connection, streamId, streamType, expected, events, metadata, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Signal.Raise();
            return appended;
        }

        var statement = new AppendStatement(types, streamId, streamType, expected, events, metadata);
        using var activity = StartAppendActivity(statement);
        var started = Stopwatch.GetTimestamp();
        var outcome = await Groups.AppendAsync(statement, cancellationToken).ConfigureAwait(false);
        Signal.Raise();
        return Conclude(statement, outcome, activity, started);
    }

    /// <summary>
    /// Appends events to one stream within the caller's open transaction on <paramref name="connection"/>, so one
    /// transaction can span several streams and projections. The caller commits, then calls <see cref="AppendSignal.Raise"/>.
    /// </summary>
    public async Task<AppendResult> AppendAsync(
        NpgsqlConnection connection, Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events,
        AppendMetadata metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var statement = new AppendStatement(types, streamId, streamType, expected, events, metadata);
        using var activity = StartAppendActivity(statement);
        var started = Stopwatch.GetTimestamp();
        AppendOutcome outcome;
        await using (var batch = new NpgsqlBatch(connection) { BatchCommands = { statement.ToCommand() } })
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            outcome = await AppendStatement.ReadOutcomeAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        var result = Conclude(statement, outcome, activity, started);
        if (result.Events.Count > 0 && Inline.All.Count > 0)
        {
            await Inline.ApplyAsync(connection, result.Events, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static Activity? StartAppendActivity(AppendStatement statement)
    {
        var activity = EventStoreTelemetry.Source.StartActivity("eventstore.append");
        activity?.SetTag("coopledger.stream.id", statement.StreamId);
        activity?.SetTag("coopledger.event.count", statement.EventCount);
        return activity;
    }

    /// <summary>Turns what <c>ledger.append</c> answered into the result, or the conflict exception; records telemetry.</summary>
    private static AppendResult Conclude(AppendStatement statement, AppendOutcome outcome, Activity? activity, long started)
    {
        EventStoreTelemetry.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (outcome.Outcome == "conflict")
        {
            EventStoreTelemetry.Conflicts.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, "version conflict");
            throw new StreamVersionConflictException(statement.StreamId, statement.Expected, outcome.Version);
        }

        var result = new AppendResult(statement.StreamId, outcome.Version, outcome.Position, WasDuplicate: outcome.Outcome == "duplicate")
        {
            Events = statement.Recorded(outcome),
        };
        activity?.SetTag("coopledger.stream.version", result.Version);
        activity?.SetTag("coopledger.position", result.Position);
        if (!result.WasDuplicate)
        {
            EventStoreTelemetry.EventsAppended.Add(statement.EventCount);
        }

        return result;
    }

    /// <summary>
    /// Locks an existing stream's row until the caller's transaction ends, so that concurrent writers of the same
    /// stream take turns instead of conflicting. A stream that does not exist yet is not locked.
    /// </summary>
    public static async Task LockStreamAsync(NpgsqlConnection connection, Guid streamId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM ledger.streams WHERE stream_id = $1 FOR UPDATE", connection);
        command.Parameters.Add(new() { Value = streamId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a stream forward, optionally bounded by version and on both time axes.</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(Guid streamId, StreamReadOptions? options, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadStreamAsync(connection, streamId, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads several streams at once, each over its own range of versions, in one round trip (a projection reads every
    /// stream its batch touched this way).
    /// </summary>
    /// <param name="connection">The caller's connection (and transaction).</param>
    /// <param name="ranges">The streams, each with the versions to read: after <c>After</c>, up to <c>UpTo</c> included.</param>
    /// <param name="eventTypes">Only events of these stored type names; null for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyDictionary<Guid, List<RecordedEvent>>> ReadStreamsAsync(
        NpgsqlConnection connection, IReadOnlyDictionary<Guid, (long After, long UpTo)> ranges, IReadOnlyCollection<string>? eventTypes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        using var activity = EventStoreTelemetry.Source.StartActivity("eventstore.read_streams");
        activity?.SetTag("coopledger.stream.count", ranges.Count);
        // The ids name which streams a trace read; a projection's batch reads hundreds at once, which only the count says well.
        if (activity is { IsAllDataRequested: true } && ranges.Count <= 32)
        {
            activity.SetTag("coopledger.stream.ids", ranges.Keys.Select(id => id.ToString()).ToArray());
        }
        await using var command = new NpgsqlCommand($"""
            SELECT {EventRows.Columns} FROM ledger.read_streams($1, $2, $3, $4)
            """, connection);
        command.Parameters.Add(new() { Value = ranges.Keys.ToArray() });
        command.Parameters.Add(new() { Value = ranges.Values.Select(r => r.After).ToArray() });
        command.Parameters.Add(new() { Value = ranges.Values.Select(r => r.UpTo).ToArray() });
        command.Parameters.Add(new() { Value = (object?)eventTypes?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

        var streams = ranges.Keys.ToDictionary(id => id, _ => new List<RecordedEvent>());
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var recorded = EventRows.Read(reader, types);
            streams[recorded.StreamId].Add(recorded);
            count++;
        }

        EventStoreTelemetry.EventsRead.Add(count);
        return streams;
    }

    /// <summary>Reads a stream on the caller's connection (and transaction, if one is open).</summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(
        NpgsqlConnection connection, Guid streamId, StreamReadOptions? options, CancellationToken cancellationToken)
    {
        options ??= StreamReadOptions.All;
        using var activity = EventStoreTelemetry.Source.StartActivity("eventstore.read_stream");
        activity?.SetTag("coopledger.stream.id", streamId);
        // The version bounds are always there (open ones coalesced): the one plan a session keeps for this statement
        // then reads only the versions asked for off the (stream, version) index. As optional conditions they were
        // filters, and reading a stream's newest versions fetched every event of the stream.
        await using var command = new NpgsqlCommand($"""
            SELECT {EventRows.Columns} FROM ledger.events
            WHERE stream_id = $1 AND version > coalesce($5::bigint, 0) AND version <= coalesce($2::bigint, {long.MaxValue})
              AND ($3::timestamptz IS NULL OR recorded_at <= $3)
              AND ($4::timestamptz IS NULL OR effective_at <= $4)
            ORDER BY {(options.InEffectiveOrder ? "effective_at, version" : "version")}
            """, connection);
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = (object?)options.UpToVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = (object?)options.RecordedAtOrBefore?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)options.EffectiveAtOrBefore?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)options.AfterVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });

        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(EventRows.Read(reader, types));
        }

        activity?.SetTag("coopledger.stream.version", events.Count == 0 ? 0 : events[^1].Version);
        EventStoreTelemetry.EventsRead.Add(events.Count);
        return events;
    }
}
