using System.Buffers;
using System.Diagnostics;
using CoopLedger.EventStore.Events;
using Npgsql;

namespace CoopLedger.EventStore.Reading;

/// <summary>The one way an events row is selected and turned into a <see cref="RecordedEvent"/>.</summary>
internal static class EventRows
{
    /// <summary>The columns, in the order <see cref="Read"/> expects; data as text keeps PostgreSQL's canonical jsonb form.</summary>
    /// <remarks>
    /// The converted xid8 columns are named apart from the table's: unnamed, <c>log_order::text::bigint</c> would be
    /// called <c>log_order</c>, and an <c>ORDER BY log_order</c> beside it would sort by that output column, a bigint
    /// no index holds, instead of the table's (the global log was read by scanning and sorting every event after the
    /// checkpoint, for every batch of every daemon).
    /// </remarks>
    public const string Columns = """
        position, event_id, stream_id, version, type, schema_version, data::text, recorded_at, effective_at,
        actor, reason, correlation_id, causation_id, transaction_id::text::bigint AS transaction_number,
        log_order::text::bigint AS log_order_number, previous_hash, hash
        """;

    public static RecordedEvent Read(NpgsqlDataReader row, EventTypeRegistry types)
    {
        var (type, schemaVersion) = (row.GetString(4), row.GetInt32(5));
        return new(
            Position: row.GetInt64(0),
            EventId: row.GetGuid(1),
            StreamId: row.GetGuid(2),
            Version: row.GetInt64(3),
            Type: type,
            SchemaVersion: schemaVersion,
            Data: Data(row, types, type, schemaVersion),
            RecordedAt: row.GetFieldValue<DateTimeOffset>(7),
            EffectiveAt: row.GetFieldValue<DateTimeOffset>(8),
            Actor: row.GetString(9),
            Reason: row.IsDBNull(10) ? null : row.GetString(10),
            CorrelationId: row.IsDBNull(11) ? null : row.GetString(11),
            CausationId: row.IsDBNull(12) ? null : row.GetString(12),
            TransactionId: row.GetInt64(13),
            LogOrder: row.GetInt64(14),
            PreviousHash: row.IsDBNull(15) ? null : row.GetFieldValue<byte[]>(15),
            Hash: row.GetFieldValue<byte[]>(16));
    }

    /// <summary>
    /// The event's data, deserialized from the bytes PostgreSQL sent, copied into a pooled buffer: no UTF-16 copy of
    /// every event's JSON, transcoded back to UTF-8 for the deserializer. It relies on three things: the column is
    /// selected as <c>data::text</c> (binary jsonb would start with its format's version byte); the reader is not
    /// sequential (the column is read twice, for its length, then its bytes); and the connection's client encoding is
    /// UTF-8, Npgsql's own.
    /// </summary>
    private static object Data(NpgsqlDataReader row, EventTypeRegistry types, string type, int schemaVersion)
    {
        var length = (int)row.GetBytes(6, 0, null, 0, 0);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var read = row.GetBytes(6, 0, buffer, 0, length);
            Debug.Assert(read == length, "A non-sequential reader gives a column's bytes whole.");
            return types.Deserialize(type, schemaVersion, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
