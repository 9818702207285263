using System.Collections.Concurrent;
using System.Globalization;
using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Reading;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Whole lists of an async projection as currently known (<see cref="IWholeList"/>), kept as one serialized part per
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
/// read again. Lists are kept per route and day, and not when keeping answers is off (<see cref="AnswerCache.Setting"/>);
/// <see cref="PartsWarming"/> keeps the day's default lists warm, so that no request waits for a whole list to be read.
/// </remarks>
public sealed class PartnershipParts(NpgsqlDataSource dataSource, AnswerCache answers, PostgresEventStore store, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>
    /// Beyond this many events since the parts were kept, every partnership is read again: a few thousand partnerships
    /// read by key cost about what the whole table's scan does.
    /// </summary>
    private const int MaxEventsSince = 20_000;

    /// <summary>
    /// Lists kept because they were asked for, besides those kept warm (each holds a whole answer, 8 MB for the actions of
    /// 10,000 partnerships); beyond, the least recently asked makes room.
    /// </summary>
    private const int MaxAsked = 4;

    /// <summary>
    /// A list kept warm is brought up to date at least this often, asked for or not, so that the events since stay few
    /// enough to be read by partnership at an officers' pace. Not more often: requests bring a list in use up to date
    /// themselves, and a pass after every move would read again, under a heavy load of commands, what no one asks for.
    /// </summary>
    private static readonly long WarmEvery = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    /// <summary>A list not kept warm and not asked for this long is forgotten.</summary>
    private static readonly long Forgotten = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    private readonly ConcurrentDictionary<string, KeptList> _kept = new(StringComparer.Ordinal);
    private readonly Lock _making = new();

    /// <summary>Where projections stand, looked up for concurrent requests in one query: a dashboard's requests each ask.</summary>
    private readonly SharedLookups<string, ProjectionStanding> _standings = new(async (projections, cancellationToken) =>
    {
        await using var command = dataSource.CreateCommand("""
            SELECT p.name, c.log_order::text, c.position, s.oid::bigint, clock_timestamp()
            FROM unnest($1::text[]) p (name)
            LEFT JOIN ledger.projection_checkpoints c ON c.name = p.name AND c.status = 'running'
            LEFT JOIN pg_namespace s ON s.nspname = c.name
            """);
        command.Parameters.Add(new() { Value = projections.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var standings = new Dictionary<string, ProjectionStanding>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var clock = reader.GetFieldValue<DateTimeOffset>(4);
            standings[reader.GetString(0)] = reader.IsDBNull(3)
                ? new ProjectionStanding(false, 0, LogCheckpoint.Start, clock)
                : new ProjectionStanding(true, reader.GetInt64(3), new LogCheckpoint(long.Parse(reader.GetString(1), CultureInfo.InvariantCulture), reader.GetInt64(2)), clock);
        }

        return standings;
    });

    /// <summary>Whether the request asks for the list as kept in parts: whole, as currently known, over an async projection, with answers kept.</summary>
    public bool Serves(IWholeList list, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(request);
        return Serves(list.Projection) && !list.NarrowedBy.Any(request.Query.ContainsKey);
    }

    /// <summary>Whether lists over this projection are kept in parts (it is async and answers are kept).</summary>
    private bool Serves(string projection) => answers.Enabled && !store.Inline.Contains(projection);

    /// <summary>The list's answer on the day <paramref name="asOf"/>, from the parts kept and the partnerships read again.</summary>
    public async Task<IResult> AnswerAsync(IWholeList list, DateOnly asOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        var kept = Keep(list, asOf, warm: false);
        kept.LastAsked = Environment.TickCount64;
        var now = await StandingAsync(list.Projection, cancellationToken);
        if (!now.Running)
        {
            // Failed, or not started (a reset may follow): answered from the tables as they are, and nothing kept.
            kept.Parts = null;
            return kept.Answer(await kept.Read(null, PartsInOrder.Empty, now.Clock, cancellationToken));
        }

        return kept.Answer(await UpToDateAsync(kept, now, cancellationToken));
    }

    /// <summary>
    /// One pass of the warm-up: keeps <paramref name="warm"/> warm (these lists on these days) and no longer those kept
    /// warm before; reads each of them whole at once when it has no parts of the tables now serving, and brings it up
    /// to date once a minute; forgets the lists only asked for once no longer asked for. A list that fails does not
    /// keep the others from being kept warm: the failures are thrown together at the end.
    /// </summary>
    public async Task KeepWarmAsync(IReadOnlyCollection<(IWholeList List, DateOnly Day)> warm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warm);
        var lists = warm.Where(w => Serves(w.List.Projection)).DistinctBy(w => KeyOf(w.List, w.Day))
            .ToDictionary(w => KeyOf(w.List, w.Day), w => Keep(w.List, w.Day, warm: true), StringComparer.Ordinal);
        var tick = Environment.TickCount64;
        foreach (var kept in _kept)
        {
            if (kept.Value.Warm ? !lists.ContainsKey(kept.Key) : tick - kept.Value.LastAsked > Forgotten)
            {
                _kept.TryRemove(kept);
            }
        }

        var failures = new List<Exception>();
        foreach (var kept in lists.Values)
        {
            try
            {
                var now = await StandingAsync(kept.Projection, cancellationToken);
                if (!now.Running)
                {
                    kept.Parts = null;
                }
                else if (kept.Parts is not { } parts || parts.Generation != now.Generation || tick - kept.LastKept >= WarmEvery)
                {
                    await UpToDateAsync(kept, now, cancellationToken);
                }
            }
#pragma warning disable CA1031 // Each list's failure is its own (a read timed out): the others are still kept warm, and all are thrown below.
            catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                failures.Add(failure);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Some whole lists could not be kept warm.", failures);
        }
    }

    /// <summary>The parts kept of a list on a day, if any (what the warm-up keeps).</summary>
    public KeptParts? KeptFor(IWholeList list, DateOnly day) => _kept.TryGetValue(KeyOf(list, day), out var kept) ? kept.Parts : null;

    /// <summary>
    /// What a list's answer depends on besides the projection: its route and its day. The rest of a query asks for less
    /// than the whole list (<see cref="IWholeList.NarrowedBy"/>, not kept in parts) or does not change the answer
    /// (<c>minPosition</c>, or anything else a client adds, which must not cost a list of its own).
    /// </summary>
    private static string KeyOf(IWholeList list, DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"{list.Route}|{day:O}");

    /// <summary>The list kept of a list on a day, made when there is none.</summary>
    private KeptList Keep(IWholeList list, DateOnly day, bool warm)
    {
        var key = KeyOf(list, day);
        if (!_kept.TryGetValue(key, out var kept))
        {
            // Rare (a new day, a date not asked before): one at a time, so that concurrent misses keep to the bound.
            lock (_making)
            {
                if (!_kept.TryGetValue(key, out kept))
                {
                    while (!warm && _kept.Count(k => !k.Value.Warm) >= MaxAsked)
                    {
                        // The list asked for longest ago makes room (a date once looked at), not the busy ones.
                        _kept.TryRemove(_kept.Where(k => !k.Value.Warm).MinBy(k => k.Value.LastAsked));
                    }

                    kept = list.KeptOn(day, json.Value.SerializerOptions);
                    kept.LastAsked = Environment.TickCount64;
                    kept.Warm = warm;
                    _kept[key] = kept;
                }
            }
        }

        kept.Warm |= warm;
        return kept;
    }

    private async Task<ProjectionStanding> StandingAsync(string projection, CancellationToken cancellationToken) =>
        await _standings.LookUpAsync(projection, cancellationToken) ?? throw new InvalidOperationException("No standing was read.");

    /// <summary>The list's parts holding at least what the projection's tables hold at a standing, read again as far as they must be.</summary>
    private async Task<PartsInOrder> UpToDateAsync(KeptList kept, ProjectionStanding now, CancellationToken cancellationToken)
    {
        // Parts at least as recent as the standing answer at once: concurrent requests between two moves take no turns.
        if (kept.Parts is { } current && current.Hold(now))
        {
            return current.Of;
        }

        await kept.Turn.WaitAsync(cancellationToken);
        try
        {
            var old = kept.Parts;
            if (old is not null && old.Hold(now))
            {
                return old.Of;
            }

            var moved = old is not null && old.Generation == now.Generation && now.Checkpoint >= old.Checkpoint
                ? await MovedAsync(old.Checkpoint, now.Checkpoint, cancellationToken)
                : null;
            var parts = (moved, old) switch
            {
                (null, _) or (_, null) => await kept.Read(null, PartsInOrder.Empty, now.Clock, cancellationToken),
                ([], _) => old.Of,
                _ => await kept.Read(moved, old.Of, now.Clock, cancellationToken),
            };
            kept.Parts = new KeptParts(now.Generation, now.Checkpoint, parts);
            kept.LastKept = Environment.TickCount64;
            return parts;
        }
        finally
        {
            kept.Turn.Release();
        }
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
}
