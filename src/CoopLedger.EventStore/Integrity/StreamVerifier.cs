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
    /// <remarks>
    /// Events of a stream the ledger never recorded are invalid from their first version: every append moves or creates
    /// its stream's row before inserting events (and a stream's row is never removed), so only a hand-written insert
    /// leaves events without one.
    /// </remarks>
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

        if (streamVersion is null && checkedCount > 0)
        {
            // No row when it was read, events now: unless the stream was started in between (its row is there now,
            // and a check from the start sees it whole), they were inserted without one.
            return await _stored.StreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false) is null
                ? new StreamIntegrity(false, 1, 1)
                : await VerifyAsync(streamId, cancellationToken).ConfigureAwait(false);
        }

        // Events cut off the end leave the stream's recorded version ahead of the last event.
        return streamVersion > checkedCount
            ? new StreamIntegrity(false, checkedCount, checkedCount + 1)
            : new StreamIntegrity(true, checkedCount, null);
    }

    /// <summary>
    /// Verifies every stream after <paramref name="after"/> (in id order), <paramref name="limit"/> recorded streams at
    /// most, and with them the events of streams the ledger never recorded whose ids fall among theirs (or after them,
    /// on the last page): a whole ledger is checked page by page, the next page after the last stream of a full one.
    /// </summary>
    public async Task<IReadOnlyList<(Guid StreamId, StreamIntegrity Integrity)>> VerifyStreamsAsync(Guid? after, int limit, CancellationToken cancellationToken)
    {
        var streams = new List<Guid>();
        // The page's streams, and the distinct stream ids of the events in its range (read from the (stream_id, version)
        // index): the page's streams again, which the union keeps once, and any stream never recorded. The bounds are written so that the index
        // can take them whether or not a cursor is given (an "IS NULL OR" would scan the whole index for every page).
        await using (var command = dataSource.CreateCommand("""
            WITH page AS (
                SELECT stream_id FROM ledger.streams
                WHERE stream_id >= coalesce($1, '00000000-0000-0000-0000-000000000000') AND stream_id IS DISTINCT FROM $1
                ORDER BY stream_id LIMIT $2
            )
            SELECT stream_id FROM page
            UNION
            SELECT DISTINCT e.stream_id FROM ledger.events e
            WHERE e.stream_id >= coalesce($1, '00000000-0000-0000-0000-000000000000') AND e.stream_id IS DISTINCT FROM $1
                -- Up to the last stream of a full page; to the end on the last page.
                AND e.stream_id <= coalesce(
                    (SELECT p.stream_id FROM page p WHERE (SELECT count(*) FROM page) = $2 ORDER BY p.stream_id DESC LIMIT 1),
                    'ffffffff-ffff-ffff-ffff-ffffffffffff')
            ORDER BY stream_id
            """))
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
