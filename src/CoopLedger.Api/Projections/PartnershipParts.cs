using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoopLedger.Api.Json;
using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Reading;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>The rows of the given partnerships (of every partnership when null) as known at an instant, a partnership's together.</summary>
public delegate IAsyncEnumerable<TRow> PartnershipRows<TRow>(Guid[]? partnerships, DateTimeOffset knownAt, CancellationToken cancellationToken);

/// <summary>
/// An answer listing every partnership's rows of a read model kept per partnership (a <c>PartnershipReadModel</c>): the
/// projection it reads; the answer without rows given how many partnerships have some (<paramref name="EmptyView"/>,
/// whose property <paramref name="RowsProperty"/> is the empty list the rows go in); the partnership of a row; and the
/// order of the partnerships in the answer, by <paramref name="OrderOf"/> of their first row then by id (by id alone
/// when null). The rows of a partnership come together, in the order the answer lists them.
/// </summary>
public sealed record PartnershipListing<TRow>(string Projection, Func<int, object> EmptyView, string RowsProperty, Func<TRow, Guid> PartnershipOf,
    Func<TRow, string>? OrderOf = null);

/// <summary>
/// Answers that list every partnership's rows of an async projection as currently known, kept as one serialized part per
/// partnership: when the projection moves, only the partnerships whose streams it has read since are read again, and
/// the answer is written from its parts. A dashboard asking for the whole list while officers write then pays for what
/// changed, not for the whole table (over 10,000 partnerships, the actions report reads half a million rows for 8 MB).
/// </summary>
/// <remarks>
/// A partnership's rows change only through its own stream's events, which the projection applies in the transaction
/// that moves its checkpoint: the streams of the events between the checkpoint the parts were kept at and the one now
/// are every partnership whose rows can differ. Rows are read as known at the database's clock after the checkpoint
/// was read, later than every event up to it (the service's own "now" may be earlier, and a part read short of its
/// partnership's last event would never be read again). A rebuild swaps in new tables (a new schema): every part is
/// read again. Answers are kept per route, query and day, and not when keeping answers is off (<see cref="AnswerCache.Setting"/>).
/// </remarks>
public sealed class PartnershipParts(NpgsqlDataSource dataSource, AnswerCache answers, PostgresEventStore store, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>
    /// Beyond this many events since the parts were kept, every partnership is read again: a few thousand partnerships
    /// read by key cost about what the whole table's scan does.
    /// </summary>
    private const int MaxEventsSince = 20_000;

    /// <summary>Queries whose parts are kept (each holds a whole answer, 8 MB for the actions of 10,000 partnerships); beyond, the least recently asked makes room.</summary>
    private const int MaxAnswers = 4;

    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);

    /// <summary>
    /// Where projections stand: whether each runs, its tables' generation, its checkpoint, and the database's clock once
    /// they are read. Looked up for concurrent requests in one query: a dashboard's requests each ask.
    /// </summary>
    private readonly SharedLookups<string, Standing> _standings = new(async (projections, cancellationToken) =>
    {
        await using var command = dataSource.CreateCommand("""
            SELECT p.name, c.log_order::text, c.position, s.oid::bigint, clock_timestamp()
            FROM unnest($1::text[]) p (name)
            LEFT JOIN ledger.projection_checkpoints c ON c.name = p.name AND c.status = 'running'
            LEFT JOIN pg_namespace s ON s.nspname = c.name
            """);
        command.Parameters.Add(new() { Value = projections.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var standings = new Dictionary<string, Standing>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var clock = reader.GetFieldValue<DateTimeOffset>(4);
            standings[reader.GetString(0)] = reader.IsDBNull(3)
                ? new Standing(false, 0, LogCheckpoint.Start, clock)
                : new Standing(true, reader.GetInt64(3), new LogCheckpoint(long.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2)), clock);
        }

        return standings;
    });

    /// <summary>Whether answers over this projection are kept in parts (it is async and answers are kept).</summary>
    public bool Serves(string projection) => answers.Enabled && !store.Inline.Contains(projection);

    /// <summary>The answer to <paramref name="request"/>, for the day <paramref name="asOf"/>, from the parts kept and the partnerships read again.</summary>
    public async Task<IResult> AnswerAsync<TRow>(PartnershipListing<TRow> listing, HttpRequest request, DateOnly asOf, PartnershipRows<TRow> read,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(read);
        var options = json.Value.SerializerOptions;
        var partsOf = new PartsOf<TRow>(listing, (JsonTypeInfo<List<TRow>>)options.GetTypeInfo(typeof(List<TRow>)));
        var key = AnswerCache.KeyOf(request, asOf);
        if (_kept.Count >= MaxAnswers && !_kept.ContainsKey(key) && _kept.MinBy(k => k.Value.LastUsed) is { Key: { } unused })
        {
            // The answer asked for longest ago makes room (yesterday's, a date once looked at), not the busy ones.
            _kept.TryRemove(unused, out _);
        }

        var kept = _kept.GetOrAdd(key, _ => new Kept());
        kept.LastUsed = Environment.TickCount64;
        var now = await _standings.LookUpAsync(listing.Projection, cancellationToken) ?? throw new InvalidOperationException("No standing was read.");
        if (!now.Running)
        {
            // Failed, or not started: answered from the tables as they are, and nothing kept.
            kept.Parts = null;
            return Answer(listing, options, await partsOf.ReadAsync(read(null, now.Clock, cancellationToken), PartsInOrder.Empty));
        }

        // Parts at least as recent as the standing answer at once: concurrent requests between two moves take no turns.
        if (kept.Parts is { } current && current.Holds(now))
        {
            return Answer(listing, options, current.Of);
        }

        // One refresh at a time per query: requests arriving meanwhile find the parts current instead of all reading them.
        await kept.Turn.WaitAsync(cancellationToken);
        try
        {
            var old = kept.Parts;
            if (old is not null && old.Holds(now))
            {
                return Answer(listing, options, old.Of);
            }

            var moved = old is not null && old.Generation == now.Generation && now.Checkpoint >= old.Checkpoint
                ? await MovedAsync(old.Checkpoint, now.Checkpoint, cancellationToken)
                : null;
            var parts = (moved, old) switch
            {
                (null, _) or (_, null) => await partsOf.ReadAsync(read(null, now.Clock, cancellationToken), PartsInOrder.Empty),
                ([], _) => old.Of,
                _ => await partsOf.ReadAsync(read(moved, now.Clock, cancellationToken), old.Of, moved),
            };
            kept.Parts = new Parts(now.Generation, now.Checkpoint, parts);
            return Answer(listing, options, parts);
        }
        finally
        {
            kept.Turn.Release();
        }
    }

    /// <summary>The empty view's JSON around the inside of its empty list of rows.</summary>
    private static (byte[] Before, byte[] After) Envelope<TRow>(PartnershipListing<TRow> listing, JsonSerializerOptions options, int partnerships)
    {
        var empty = listing.EmptyView(partnerships);
        var view = JsonSerializer.SerializeToUtf8Bytes(empty, empty.GetType(), options);
        var (before, after) = SplicedJson.Around(view, options.PropertyNamingPolicy?.ConvertName(listing.RowsProperty) ?? listing.RowsProperty, "[]"u8.ToArray(), options)
            ?? throw new InvalidOperationException($"{empty.GetType().Name} has no empty {listing.RowsProperty} to hold the rows.");
        return ([.. before, (byte)'['], [(byte)']', .. after]);
    }

    private static SplicedJson Answer<TRow>(PartnershipListing<TRow> listing, JsonSerializerOptions options, PartsInOrder parts)
    {
        var (before, after) = Envelope(listing, options, parts.Count);
        return new SplicedJson(before, parts.InOrder, after);
    }

    /// <summary>
    /// The streams of the events between two checkpoints (all committed, so read in any later snapshot), by the log's
    /// index; null when there are too many of them to be worth reading one by one.
    /// </summary>
    private async Task<Guid[]?> MovedAsync(LogCheckpoint from, LogCheckpoint to, CancellationToken cancellationToken)
    {
        if (from == to)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand("""
            SELECT count(*), coalesce(array_agg(DISTINCT stream_id), '{}') FROM (
                SELECT stream_id FROM ledger.events
                WHERE (log_order, position) > ($1::text::xid8, $2) AND (log_order, position) <= ($3::text::xid8, $4)
                ORDER BY log_order, position
                LIMIT $5) since
            """);
        command.Parameters.Add(new() { Value = from.LogOrder.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = from.Position });
        command.Parameters.Add(new() { Value = to.LogOrder.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = to.Position });
        command.Parameters.Add(new() { Value = MaxEventsSince });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) >= MaxEventsSince ? null : reader.GetFieldValue<Guid[]>(1);
    }

    private sealed record Standing(bool Running, long Generation, LogCheckpoint Checkpoint, DateTimeOffset Clock);

    /// <summary>Every partnership's part (its rows serialized, comma-separated) at a checkpoint of a generation of the tables.</summary>
    private sealed record Parts(long Generation, LogCheckpoint Checkpoint, PartsInOrder Of)
    {
        /// <summary>Whether these parts hold at least what the projection's tables hold at that standing.</summary>
        public bool Holds(Standing standing) => Generation == standing.Generation && Checkpoint >= standing.Checkpoint;
    }

    private sealed class Kept
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public long LastUsed { get; set; }

        public Parts? Parts { get; set; }
    }

    /// <summary>Turns rows, a partnership's together, into parts.</summary>
    private sealed class PartsOf<TRow>(PartnershipListing<TRow> listing, JsonTypeInfo<List<TRow>> rowsJson)
    {
        /// <summary><paramref name="into"/> with the parts of the partnerships <paramref name="replaced"/> replaced by those the rows make.</summary>
        public async Task<PartsInOrder> ReadAsync(IAsyncEnumerable<TRow> rows, PartsInOrder into, IEnumerable<Guid>? replaced = null)
        {
            var parts = into.ToBuilder();
            foreach (var partnership in replaced ?? [])
            {
                parts.Remove(partnership);
            }

            var ofOne = new List<TRow>();
            var seen = new HashSet<Guid>();
            await foreach (var row in rows)
            {
                if (ofOne.Count > 0 && listing.PartnershipOf(row) != listing.PartnershipOf(ofOne[0]))
                {
                    Set(parts, ofOne, seen);
                }

                ofOne.Add(row);
            }

            if (ofOne.Count > 0)
            {
                Set(parts, ofOne, seen);
            }

            return parts.ToImmutable();
        }

        /// <summary>A partnership's rows as the list's items (the serialized list without its brackets), where the answer lists them.</summary>
        private void Set(PartsInOrder.Builder parts, List<TRow> rows, HashSet<Guid> seen)
        {
            if (!seen.Add(listing.PartnershipOf(rows[0])))
            {
                throw new InvalidOperationException($"The rows of partnership {listing.PartnershipOf(rows[0])} did not come together.");
            }

            parts.Set(new PartPlace(listing.OrderOf?.Invoke(rows[0]) ?? "", listing.PartnershipOf(rows[0])), JsonSerializer.SerializeToUtf8Bytes(rows, rowsJson)[1..^1]);
            rows.Clear();
        }
    }
}
