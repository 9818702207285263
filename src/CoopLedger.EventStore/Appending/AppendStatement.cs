using CoopLedger.EventStore.Events;
using Npgsql;
using NpgsqlTypes;

namespace CoopLedger.EventStore.Appending;

/// <summary>
/// One append with its arguments already serialized, so that it can run alone on a caller's connection (one call of
/// <c>ledger.append</c>) or with other appends in one group commit (<see cref="GroupStatement"/>), and again alone
/// should its group leave it or fail.
/// </summary>
internal sealed class AppendStatement
{
    /// <summary>The columns the function answers with, in the order <see cref="ReadOutcomeAsync"/> reads them.</summary>
    private const string Answer = "outcome, version, last_position, recorded, transaction_number, log_order_number, positions, effective, chained_from, hashes";

    private const string Sql = $"SELECT {Answer} FROM ledger.append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    /// <summary>The events as the writer gave them.</summary>
    private readonly IReadOnlyList<NewEvent> _events;

    /// <summary>Serializes the events (on the caller's thread, so a group's writer only sends).</summary>
    public AppendStatement(
        EventTypeRegistry types, Guid streamId, string streamType, ExpectedVersion expected, IReadOnlyList<NewEvent> events, AppendMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(metadata);
        StreamId = streamId;
        StreamType = streamType;
        Expected = expected;
        Metadata = metadata;
        _events = events;
        var described = events.Select(e => types.Describe(e.Data)).ToArray();
        EventIds = [.. events.Select(_ => Guid.CreateVersion7())];
        Types = [.. described.Select(d => d.Name)];
        SchemaVersions = [.. described.Select(d => d.SchemaVersion)];
        Data = [.. events.Select(e => types.Serialize(e.Data))];
        EffectiveAt = [.. events.Select(e => e.EffectiveAt?.UtcDateTime)];
    }

    /// <summary>The stream appended to.</summary>
    public Guid StreamId { get; }

    /// <summary>The type recorded should the append start the stream.</summary>
    public string StreamType { get; }

    /// <summary>The version the writer expects.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>Who, why, correlation, idempotency key.</summary>
    public AppendMetadata Metadata { get; }

    /// <summary>How many events the append carries.</summary>
    public int EventCount => EventIds.Length;

    /// <summary>The events' ids, stored type names, schema versions, JSON documents and business times, in order.</summary>
    public Guid[] EventIds { get; }

    /// <inheritdoc cref="EventIds"/>
    public string[] Types { get; }

    /// <inheritdoc cref="EventIds"/>
    public int[] SchemaVersions { get; }

    /// <inheritdoc cref="EventIds"/>
    public string[] Data { get; }

    /// <inheritdoc cref="EventIds"/>
    public DateTime?[] EffectiveAt { get; }

    /// <summary>The append alone, as a command of a batch on the caller's connection.</summary>
    public NpgsqlBatchCommand ToCommand() => new(Sql)
    {
        Parameters =
        {
            new() { Value = StreamId },
            new() { Value = StreamType },
            new() { Value = Expected.Value },
            new() { Value = EventIds },
            new() { Value = Types },
            new() { Value = SchemaVersions },
            new() { Value = Data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
            new() { Value = EffectiveAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            new() { Value = Metadata.Actor },
            Text(Metadata.Reason),
            Text(Metadata.CorrelationId),
            Text(Metadata.CausationId),
            Text(Metadata.IdempotencyKey),
        },
    };

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>
    /// Reads the function's one row: what happened, the stream's version, the last event's position, and, when it
    /// appended, what the database recorded of the events.
    /// </summary>
    public static async Task<AppendOutcome> ReadOutcomeAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var outcome = reader.GetString(0);
        // An append left to run alone has neither version nor position: nothing of it was written.
        return new AppendOutcome(outcome, reader.IsDBNull(1) ? 0 : reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2))
        {
            Recorded = outcome != AppendOutcome.Appended ? null : new RecordedParts(
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                Each<long>(reader, 6),
                Each<DateTimeOffset>(reader, 7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
                reader.IsDBNull(9) ? [] : reader.GetFieldValue<byte[][]>(9)),
        };
    }

    /// <summary>An array column's elements, every one of them given (none for an append of no events).</summary>
    /// <remarks>
    /// Read as nullable: a group's answers are slices of arrays that hold nulls for the other appends' events, and a
    /// slice keeps its array's null bitmap though it holds no null, which Npgsql refuses for non-nullable elements.
    /// </remarks>
    private static T[] Each<T>(NpgsqlDataReader reader, int column) where T : struct => reader.IsDBNull(column)
        ? []
        : [.. reader.GetFieldValue<T?[]>(column).Select(value => value ?? throw new InvalidOperationException($"The append's answer lacks a value in column {column}."))];

    /// <summary>The events, equal in value to what a read of the stream gives, from what the database answered when it appended them.</summary>
    /// <remarks>
    /// Their data are the writer's own objects, not copies deserialized again: the registry serialized them at their
    /// current schema version, so a read would give the same values (no upcaster applies), at no cost.
    /// </remarks>
    public IReadOnlyList<RecordedEvent> Recorded(AppendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Recorded is not { } parts)
        {
            return [];
        }

        var events = new RecordedEvent[EventCount];
        var firstVersion = outcome.Version - EventCount + 1;
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new RecordedEvent(
                parts.Positions[i], EventIds[i], StreamId, firstVersion + i, Types[i], SchemaVersions[i], _events[i].Data,
                parts.RecordedAt, parts.EffectiveAt[i], Metadata.Actor, Metadata.Reason, Metadata.CorrelationId, Metadata.CausationId,
                parts.TransactionId, parts.LogOrder, i == 0 ? parts.ChainedFrom : parts.Hashes[i - 1], parts.Hashes[i]);
        }

        return events;
    }
}
