using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>The rows of the given partnerships (of every partnership when null), in partnership order.</summary>
public delegate IAsyncEnumerable<TRow> PartnershipRows<TRow>(Guid[]? partnerships, CancellationToken cancellationToken);

/// <summary>
/// Answers that list every partnership's rows of an async projection, kept as one serialized part per partnership:
/// when the projection moves, only the partnerships whose streams it has read since are read again, and the answer is
/// written from its parts. A dashboard asking for the whole list while officers write then pays for what changed, not
/// for the whole table (over 10,000 partnerships, the actions report's query reads half a million rows for 8 MB).
/// </summary>
/// <remarks>
/// A partnership's rows change only through its own stream's events, which the projection applies in the transaction
/// that moves its checkpoint: the streams of the events between the checkpoint the parts were kept at and the one now
/// are every partnership whose rows can differ. A rebuild swaps in new tables (a new schema), and every part is read
/// again. As with <see cref="AnswerCache"/>, an answer holds at least what the checkpoint read before it holds, and
/// answers are kept per route, query and day; keeping them off (<see cref="AnswerCache.Setting"/>) turns this off too.
/// </remarks>
public sealed class PartnershipParts(NpgsqlDataSource dataSource, AnswerCache answers, PostgresEventStore store, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>
    /// Beyond this many events since the parts were kept, every partnership is read again: a few thousand partnerships
    /// read by key cost about what the whole table's scan does.
    /// </summary>
    private const int MaxEventsSince = 20_000;

    /// <summary>Distinct queries whose parts are kept (each holds its whole answer); beyond, all are forgotten.</summary>
    private const int MaxAnswers = 8;

    private const string ContentType = "application/json; charset=utf-8";

    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);

    /// <summary>Whether answers over this projection are kept in parts (it is async and answers are kept).</summary>
    public bool Serves(string projection) => answers.Enabled && !store.Inline.Contains(projection);

    /// <summary>
    /// The answer to <paramref name="request"/>: <paramref name="emptyView"/> as serialized, its one empty list (<c>[]</c>)
    /// holding every partnership's rows in partnership order, from the parts kept and the partnerships read again.
    /// </summary>
    public async Task<IResult> AnswerAsync<TRow>(string projection, HttpRequest request, object emptyView, Func<TRow, Guid> partnershipOf,
        PartnershipRows<TRow> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emptyView);
        var options = json.Value.SerializerOptions;
        var envelope = JsonSerializer.SerializeToUtf8Bytes(emptyView, emptyView.GetType(), options);
        var list = envelope.AsSpan().IndexOf("[]"u8);
        if (list < 0)
        {
            throw new ArgumentException("The view serializes with no empty list to hold the rows.", nameof(emptyView));
        }

        var key = answers.KeyOf(request);
        if (_kept.Count >= MaxAnswers && !_kept.ContainsKey(key))
        {
            _kept.Clear();
        }

        var kept = _kept.GetOrAdd(key, _ => new Kept());
        // One refresh at a time per query: requests arriving meanwhile find the parts current instead of all reading them.
        await kept.Turn.WaitAsync(cancellationToken);
        try
        {
            var partsOf = new PartsOf<TRow>(partnershipOf, (JsonTypeInfo<List<TRow>>)options.GetTypeInfo(typeof(List<TRow>)));
            var now = await WhereAsync(projection, kept.Parts, cancellationToken);
            if (now is null)
            {
                // Not running (failed, or never started): answered from the tables as they are, and nothing kept.
                kept.Parts = null;
                return new Answer(envelope, list, (await partsOf.ReadAsync(read(null, cancellationToken), Empty)).Values);
            }

            var parts = kept.Parts is { } old && old.Generation == now.Generation && now.Moved is { } moved
                ? moved.Length == 0 ? old.Of : await partsOf.ReadAsync(read(moved, cancellationToken), old.Of.RemoveRange(moved))
                : await partsOf.ReadAsync(read(null, cancellationToken), Empty);
            kept.Parts = new Parts(now.Generation, now.Checkpoint, parts);
            return new Answer(envelope, list, parts.Values);
        }
        finally
        {
            kept.Turn.Release();
        }
    }

    /// <summary>No parts, ordered as PostgreSQL orders uuids: .NET compares ids field by field as numbers, the same order.</summary>
    private static ImmutableSortedDictionary<Guid, byte[]> Empty { get; } = ImmutableSortedDictionary<Guid, byte[]>.Empty;

    /// <summary>
    /// Where the projection stands: its tables' generation, its checkpoint and, when <paramref name="parts"/> were kept at
    /// an earlier checkpoint of the same generation, the streams of the events read since (null: read everything again).
    /// Null when the projection is not running.
    /// </summary>
    private async Task<Now?> WhereAsync(string projection, Parts? parts, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH now AS (
                SELECT c.log_order, c.position, s.oid::bigint AS generation
                FROM ledger.projection_checkpoints c JOIN pg_namespace s ON s.nspname = c.name
                WHERE c.name = $1 AND c.status = 'running'),
            since AS (
                SELECT e.stream_id FROM ledger.events e, now
                WHERE $2::text IS NOT NULL AND (e.log_order, e.position) > ($2::text::xid8, $3)
                  AND (e.log_order, e.position) <= (now.log_order, now.position)
                ORDER BY e.log_order, e.position
                LIMIT $4)
            SELECT log_order::text, position, generation, (SELECT count(*) FROM since), (SELECT array_agg(DISTINCT stream_id) FROM since)
            FROM now
            """);
        command.Parameters.Add(new() { Value = projection });
        command.Parameters.Add(new() { Value = parts is null ? DBNull.Value : parts.Checkpoint.LogOrder.ToString(CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = parts?.Checkpoint.Position ?? 0 });
        command.Parameters.Add(new() { Value = MaxEventsSince });
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }

        var checkpoint = new LogCheckpoint(long.Parse(row.GetString(0), CultureInfo.InvariantCulture), row.GetInt64(1));
        var generation = row.GetInt64(2);
        // Behind the parts (a checkpoint moved back) or too far ahead: everything is read again.
        var moved = parts is null || checkpoint < parts.Checkpoint || row.GetInt64(3) >= MaxEventsSince ? null
            : row.IsDBNull(4) ? [] : row.GetFieldValue<Guid[]>(4);
        return new Now(generation, checkpoint, moved);
    }

    private sealed record Now(long Generation, LogCheckpoint Checkpoint, Guid[]? Moved);

    /// <summary>Every partnership's part (its rows serialized, comma-separated) at a checkpoint of a generation of the tables.</summary>
    private sealed record Parts(long Generation, LogCheckpoint Checkpoint, ImmutableSortedDictionary<Guid, byte[]> Of);

    private sealed class Kept
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public Parts? Parts { get; set; }
    }

    /// <summary>Turns rows in partnership order into parts.</summary>
    private sealed class PartsOf<TRow>(Func<TRow, Guid> partnershipOf, JsonTypeInfo<List<TRow>> rowsJson)
    {
        public async Task<ImmutableSortedDictionary<Guid, byte[]>> ReadAsync(IAsyncEnumerable<TRow> rows, ImmutableSortedDictionary<Guid, byte[]> into)
        {
            var parts = into.ToBuilder();
            var partnership = Guid.Empty;
            var ofOne = new List<TRow>();
            await foreach (var row in rows)
            {
                var of = partnershipOf(row);
                if (of != partnership && ofOne.Count > 0)
                {
                    parts[partnership] = Part(ofOne);
                    ofOne.Clear();
                }

                partnership = of;
                ofOne.Add(row);
            }

            if (ofOne.Count > 0)
            {
                parts[partnership] = Part(ofOne);
            }

            return parts.ToImmutable();
        }

        /// <summary>The rows as the list's items: the serialized list without its brackets.</summary>
        private byte[] Part(List<TRow> rows) => JsonSerializer.SerializeToUtf8Bytes(rows, rowsJson)[1..^1];
    }

    /// <summary>The envelope with the parts written into its list, comma-separated, as they come.</summary>
    private sealed class Answer(byte[] envelope, int list, IEnumerable<byte[]> parts) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = ContentType;
            var count = 0L;
            var length = envelope.LongLength;
            foreach (var part in parts)
            {
                length += part.Length;
                count++;
            }

            response.ContentLength = length + Math.Max(0, count - 1);
            var body = response.BodyWriter;
            body.Write(envelope.AsSpan(0, list + 1));
            var first = true;
            foreach (var part in parts)
            {
                if (!first)
                {
                    body.Write(","u8);
                }

                body.Write(part);
                first = false;
                if (body.UnflushedBytes >= 64 * 1024)
                {
                    await body.FlushAsync(httpContext.RequestAborted);
                }
            }

            body.Write(envelope.AsSpan(list + 1));
            await body.FlushAsync(httpContext.RequestAborted);
        }
    }
}
