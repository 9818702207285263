using Npgsql;

namespace CoopLedger.EventStore.Integrity;

/// <summary>
/// Recomputes a stream's hash chain from the stored rows and reports the first version that does not hold:
/// a changed field, a broken link, a missing or extra version.
/// </summary>
public sealed class StreamVerifier(NpgsqlDataSource dataSource)
{
    /// <summary>Verifies one stream.</summary>
    public async Task<StreamIntegrity> VerifyAsync(Guid streamId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT e.version, e.type, e.schema_version, e.data::text, e.effective_at, e.recorded_at, e.actor, e.reason,
                   e.previous_hash, e.hash, (SELECT s.version FROM ledger.streams s WHERE s.stream_id = $1)
            FROM ledger.events e WHERE e.stream_id = $1 ORDER BY e.version
            """, connection);
        command.Parameters.Add(new() { Value = streamId });
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        byte[]? previous = null;
        long checkedCount = 0;
        long streamVersion = 0;
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var version = row.GetInt64(0);
            streamVersion = row.IsDBNull(10) ? 0 : row.GetInt64(10);
            var storedPrevious = row.IsDBNull(8) ? null : row.GetFieldValue<byte[]>(8);
            var storedHash = row.GetFieldValue<byte[]>(9);
            var expected = EventHash.Compute(previous, streamId, version, row.GetString(1), row.GetInt32(2), row.GetString(3),
                row.GetFieldValue<DateTimeOffset>(4), row.GetFieldValue<DateTimeOffset>(5), row.GetString(6),
                row.IsDBNull(7) ? null : row.GetString(7));
            var linked = previous is null ? storedPrevious is null : storedPrevious is not null && previous.AsSpan().SequenceEqual(storedPrevious);
            if (version != checkedCount + 1 || !linked || !expected.AsSpan().SequenceEqual(storedHash))
            {
                return new StreamIntegrity(false, checkedCount + 1, Math.Min(version, checkedCount + 1));
            }

            previous = storedHash;
            checkedCount++;
        }

        // Events cut off the end leave the stream's recorded version ahead of the last event.
        return streamVersion > checkedCount
            ? new StreamIntegrity(false, checkedCount, checkedCount + 1)
            : new StreamIntegrity(true, checkedCount, null);
    }
}
