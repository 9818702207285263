using System.Runtime.CompilerServices;
using Npgsql;

namespace CoopLedger.EventStore.Integrity;

/// <summary>Reads a stream's events exactly as stored, for verification and audit exports.</summary>
public sealed class StoredEvents(NpgsqlDataSource dataSource)
{
    /// <summary>The stream's events in version order, optionally recorded within [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public async IAsyncEnumerable<StoredEvent> ReadAsync(
        Guid streamId, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT stream_id, version, event_id, position, type, schema_version, data::text, effective_at, recorded_at, actor, reason,
                   correlation_id, causation_id, previous_hash, hash
            FROM ledger.events
            WHERE stream_id = $1 AND ($2::timestamptz IS NULL OR recorded_at >= $2) AND ($3::timestamptz IS NULL OR recorded_at <= $3)
            ORDER BY version
            """, connection);
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = (object?)from?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)to?.UtcDateTime ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new StoredEvent(
                row.GetGuid(0), row.GetInt64(1), row.GetGuid(2), row.GetInt64(3), row.GetString(4), row.GetInt32(5), row.GetString(6),
                row.GetFieldValue<DateTimeOffset>(7), row.GetFieldValue<DateTimeOffset>(8), row.GetString(9),
                row.IsDBNull(10) ? null : row.GetString(10), row.IsDBNull(11) ? null : row.GetString(11), row.IsDBNull(12) ? null : row.GetString(12),
                row.IsDBNull(13) ? null : row.GetFieldValue<byte[]>(13), row.GetFieldValue<byte[]>(14));
        }
    }

    /// <summary>The stream's recorded version; null when the ledger has no such stream.</summary>
    public async Task<long?> StreamVersionAsync(Guid streamId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version FROM ledger.streams WHERE stream_id = $1");
        command.Parameters.Add(new() { Value = streamId });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }
}
