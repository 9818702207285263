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
    /// Every append moves or creates its stream's row, under its lock, before inserting its events, and a stream's row
    /// is never removed: events of a stream the ledger never recorded, or past the version it recorded, were inserted
    /// by hand, however well chained. The first are invalid from their first version, the second from the first past
    /// the recorded version.
    /// </remarks>
    public async Task<StreamIntegrity> VerifyAsync(Guid streamId, CancellationToken cancellationToken)
    {
        // Read before the events: an append racing the check can only add events, never fake a missing one; the
        // events it adds are told from forged ones by reading the row again.
        var streamVersion = await _stored.StreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false);
        byte[]? previous = null;
        long checkedCount = 0;
        await foreach (var stored in _stored.ReadAsync(streamId, null, null, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Version > (streamVersion ?? 0))
            {
                // Past the version read: appended since (the row, read again, records it), or inserted by hand.
                streamVersion = await _stored.StreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false);
            }

            var recorded = stored.Version <= (streamVersion ?? 0);
            var linked = previous is null ? stored.PreviousHash is null : stored.PreviousHash is not null && previous.AsSpan().SequenceEqual(stored.PreviousHash);
            if (!recorded || stored.Version != checkedCount + 1 || !linked || !stored.ExpectedHash(previous).AsSpan().SequenceEqual(stored.Hash))
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
    /// Verifies every stream after <paramref name="after"/> in id order, <paramref name="limit"/> at most: those the
    /// ledger recorded and those only events name (inserted by hand, <see cref="VerifyAsync"/>). A whole ledger is
    /// checked page by page, each after the last stream of the one before; a page reads at most the events of its
    /// streams, whatever the size of the ledger.
    /// </summary>
    public async Task<IReadOnlyList<(Guid StreamId, StreamIntegrity Integrity)>> VerifyStreamsAsync(Guid? after, int limit, CancellationToken cancellationToken)
    {
        var streams = new List<Guid>();
        // The first streams by id in either table: the events' distinct stream ids are read in order from the
        // (stream_id, version) index, and stop once there are enough.
        var from = after is null ? "" : "WHERE stream_id > $2";
        await using (var command = dataSource.CreateCommand($"""
            SELECT stream_id FROM (
                (SELECT stream_id FROM ledger.streams {from} ORDER BY stream_id LIMIT $1)
                UNION
                (SELECT DISTINCT stream_id FROM ledger.events {from} ORDER BY stream_id LIMIT $1)
            ) listed
            ORDER BY stream_id LIMIT $1
            """))
        {
            command.Parameters.Add(new() { Value = limit });
            if (after is { } cursor)
            {
                command.Parameters.Add(new() { Value = cursor });
            }

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
