using Npgsql;

namespace CoopLedger.EventStore.Integrity;

/// <summary>
/// Recomputes a stream's hash chain from the stored rows and reports the first version that does not hold:
/// a changed field, a broken link, a missing or extra version.
/// </summary>
public sealed class StreamVerifier(NpgsqlDataSource dataSource)
{
    private readonly StoredEvents _stored = new(dataSource);

    /// <summary>Verifies one stream.</summary>
    public async Task<StreamIntegrity> VerifyAsync(Guid streamId, CancellationToken cancellationToken)
    {
        // Read before the events: an append racing the check can only add events, never fake a missing one.
        var streamVersion = await _stored.StreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false);
        byte[]? previous = null;
        long checkedCount = 0;
        await foreach (var stored in _stored.ReadAsync(streamId, null, null, cancellationToken).ConfigureAwait(false))
        {
            var linked = previous is null ? stored.PreviousHash is null : stored.PreviousHash is not null && previous.AsSpan().SequenceEqual(stored.PreviousHash);
            if (stored.Version != checkedCount + 1 || !linked || !stored.ExpectedHash(previous).AsSpan().SequenceEqual(stored.Hash))
            {
                return new StreamIntegrity(false, checkedCount + 1, Math.Min(stored.Version, checkedCount + 1));
            }

            previous = stored.Hash;
            checkedCount++;
        }

        // Events cut off the end leave the stream's recorded version ahead of the last event.
        return streamVersion > checkedCount
            ? new StreamIntegrity(false, checkedCount, checkedCount + 1)
            : new StreamIntegrity(true, checkedCount, null);
    }

    /// <summary>
    /// Verifies every stream after <paramref name="after"/> (in id order), at most <paramref name="limit"/> of them:
    /// a whole ledger is checked page by page.
    /// </summary>
    public async Task<IReadOnlyList<(Guid StreamId, StreamIntegrity Integrity)>> VerifyStreamsAsync(Guid? after, int limit, CancellationToken cancellationToken)
    {
        var streams = new List<Guid>();
        await using (var command = dataSource.CreateCommand("SELECT stream_id FROM ledger.streams WHERE $1::uuid IS NULL OR stream_id > $1 ORDER BY stream_id LIMIT $2"))
        {
            command.Parameters.Add(new() { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            command.Parameters.Add(new() { Value = limit });
            await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                streams.Add(row.GetGuid(0));
            }
        }

        var results = new List<(Guid, StreamIntegrity)>(streams.Count);
        foreach (var stream in streams)
        {
            results.Add((stream, await VerifyAsync(stream, cancellationToken).ConfigureAwait(false)));
        }

        return results;
    }
}
