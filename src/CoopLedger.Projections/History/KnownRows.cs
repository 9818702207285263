using System.Collections;
using System.Runtime.InteropServices;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore.Events;

namespace CoopLedger.Projections.History;

/// <summary>Compares rows of values value by value, arrays (countries, SIRENs) element by element.</summary>
public static class RowValues
{
    /// <summary>The comparer.</summary>
    public static IEqualityComparer<object?[]> Comparer { get; } = EqualityComparer<object?[]>.Create(
        (a, b) => StructuralComparisons.StructuralEqualityComparer.Equals(a, b),
        row => row is null ? 0 : StructuralComparisons.StructuralEqualityComparer.GetHashCode(row));
}

/// <summary>
/// A read-model row as the ledger knows it at some point: the table, the entity it describes (the table's first
/// column), the first day of its validity, and its values in the table's column order (without <c>known</c>).
/// An entity's stretches never overlap, so (table, id, first day) names a row among those known at any one time.
/// </summary>
public sealed record KnownRow(string Table, Guid Id, DateOnly ValidFrom, object?[] Values)
{
    /// <summary>Whether both rows hold the same values (arrays compared element by element).</summary>
    public bool SameAs(KnownRow other) => other is not null && RowValues.Comparer.Equals(Values, other.Values);
}

/// <summary>A row and the recorded instants during which the ledger knew it (from included, until excluded; null: still known).</summary>
public sealed record KnownSpan(KnownRow Row, DateTimeOffset From, DateTimeOffset? Until);

/// <summary>
/// Read-model rows over recorded time. Each time the ledger learns something (one append: its events share their
/// recorded instant), the rows are computed again from the history known then; a row that changes or disappears
/// stops being known at that instant and its successor starts. "As known at T" then reads the rows known at T.
/// </summary>
public static class KnownRows
{
    /// <summary>What changed in the rows known, over some appends, starting from the rows known before them.</summary>
    /// <param name="Spans">Rows that became known at one of these appends, with when they stopped being known (if they did).</param>
    /// <param name="Ended">Rows known before these appends that stopped being known at one of them, with when.</param>
    public sealed record Changes(IReadOnlyList<KnownSpan> Spans, IReadOnlyList<(KnownRow Row, DateTimeOffset Until)> Ended);

    /// <summary>
    /// Replays the appends of <paramref name="history"/> from version <paramref name="fromVersion"/> on (the rows known
    /// before it being those of the earlier versions) and says which rows started and stopped being known when.
    /// </summary>
    /// <param name="history">The stream, in version order, as far as it is to be replayed.</param>
    /// <param name="fromVersion">The first version whose append is replayed (1 for a whole stream).</param>
    /// <param name="concerns">Whether an event can change the rows; appends with none are skipped.</param>
    /// <param name="source">The read model's rows, to follow the appends.</param>
    /// <param name="corrected">The history with its corrections applied.</param>
    /// <param name="sourceFollowsEarlier">
    /// Whether <paramref name="source"/> has already followed every append before <paramref name="fromVersion"/> (the
    /// previous batch left it there), so that it need not fold them again.
    /// </param>
    public static Changes Replay(
        IReadOnlyList<RecordedEvent> history, long fromVersion, Func<object, bool> concerns, IKnownRowSource source,
        Func<IReadOnlyList<RecordedEvent>, IReadOnlyList<RecordedEvent>> corrected, bool sourceFollowsEarlier = false)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(concerns);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(corrected);
        var firstIndex = IndexOfVersion(history, fromVersion);
        // Keyed without the table: rows of different tables describe different entities, so their ids differ.
        var known = TakeScratch();
        // Between resets, rows closed earlier never change: only the open ones and the newly closed are compared.
        var (resets, closedSeen, open) = (-1, 0, (IReadOnlyList<KnownRow>)[]);
        // The rows closed before these appends are known too, but they cannot change until the source starts again
        // (incremental appends compare the open rows only), so they join the known rows only then, if ever: a live
        // batch would otherwise key every closed row of each partnership it touches, however long its history.
        var closedBefore = 0;
        if (firstIndex > 0)
        {
            if (!sourceFollowsEarlier)
            {
                source.Reset(corrected([.. history.Take(firstIndex)]));
            }

            open = source.Open();
            foreach (var row in open)
            {
                known[(row.Id, row.ValidFrom)] = new Known(row, null, 0); // Known before: already written.
            }

            closedBefore = source.Closed.Count;
            (resets, closedSeen) = (source.Resets, closedBefore);
        }

        var spans = new List<KnownSpan>();
        var ended = new List<(KnownRow, DateTimeOffset)>();
        var compared = 0;
        for (var end = firstIndex; end < history.Count;)
        {
            // One append: the events recorded at the same instant.
            var start = end;
            var recordedAt = history[start].RecordedAt;
            while (end < history.Count && history[end].RecordedAt == recordedAt)
            {
                end++;
            }

            var append = new List<RecordedEvent>(end - start);
            for (var i = start; i < end; i++)
            {
                if (concerns(history[i].Data))
                {
                    append.Add(history[i]);
                }
            }

            if (append.Count == 0)
            {
                continue;
            }

            // A correction changes earlier events: fold again from the start, as after any event out of order.
            if (append.Any(e => e.Data is CorrectionRecorded) || !source.TryAppend(append))
            {
                // Until now the source only grew: its first closed rows are still those closed before these appends.
                for (var i = 0; i < closedBefore; i++)
                {
                    var row = source.Closed[i];
                    known.TryAdd((row.Id, row.ValidFrom), new Known(row, null, 0));
                }

                closedBefore = 0;
                source.Reset(corrected([.. history.Take(end)]));
            }

            // The rows known after this append (the newly closed, or every closed one after a reset, and the open ones)
            // are marked as compared; a row that changed stops being known at its instant, and its successor starts.
            compared++;
            var openNow = source.Open();
            var incremental = source.Resets == resets;
            var closed = source.Closed;
            for (var i = incremental ? closedSeen : 0; i < closed.Count; i++)
            {
                Compare(closed[i]);
            }

            foreach (var row in openNow)
            {
                Compare(row);
            }

            // Rows known before it and not after: only the open ones could have gone, unless the source started again.
            if (incremental)
            {
                foreach (var row in open)
                {
                    ForgetIfGone((row.Id, row.ValidFrom));
                }
            }
            else
            {
                foreach (var key in known.Keys.ToList())
                {
                    ForgetIfGone(key);
                }
            }

            (resets, closedSeen, open) = (source.Resets, closed.Count, openNow);

            void ForgetIfGone((Guid, DateOnly) key)
            {
                if (known.TryGetValue(key, out var was) && was.Compared != compared)
                {
                    End(was.Row, was.From, recordedAt);
                    known.Remove(key);
                }
            }

            void Compare(KnownRow row)
            {
                ref var was = ref CollectionsMarshal.GetValueRefOrAddDefault(known, (row.Id, row.ValidFrom), out var exists);
                if (exists && was.Compared == compared)
                {
                    // Two rows of one entity from the same day, known at once: no table could hold both under its key.
                    throw new InvalidOperationException($"Two {row.Table} rows of {row.Id} from {row.ValidFrom:yyyy-MM-dd} at once.");
                }

                if (exists && (ReferenceEquals(row, was.Row) || row.SameAs(was.Row)))
                {
                    was = was with { Compared = compared };
                    return;
                }

                if (exists)
                {
                    End(was.Row, was.From, recordedAt);
                }

                was = new Known(row, recordedAt, compared);
            }
        }

        spans.AddRange(known.Values.Where(k => k.From is not null).Select(k => new KnownSpan(k.Row, k.From!.Value, null)));
        ReturnScratch(known);
        return new Changes(spans, ended);

        // A row stops being known: one written before these appends is ended, one that started during them is a whole span.
        void End(KnownRow row, DateTimeOffset? from, DateTimeOffset until)
        {
            if (from is null)
            {
                ended.Add((row, until));
            }
            else if (from < until)
            {
                spans.Add(new KnownSpan(row, from.Value, until));
            }
        }
    }

    /// <summary>A row known during a replay, since when (null: before it), and the last append that found it unchanged.</summary>
    private readonly record struct Known(KnownRow Row, DateTimeOffset? From, int Compared);

    /// <summary>
    /// The rows known during a replay, kept per thread from one replay to the next: a live batch replays hundreds of
    /// partnerships, each keying all its open rows, and allocating that table each time was the largest share of the
    /// service's allocations under commands (the garbage collector's pauses are what commands' p99 latency waits on).
    /// </summary>
    [ThreadStatic]
    private static Dictionary<(Guid, DateOnly), Known>? t_known;

    /// <summary>How many rows a kept table may have room for and still be kept: one grown by a rebuild's longest history is not.</summary>
    private const int MaxScratch = 4096;

    private static Dictionary<(Guid, DateOnly), Known> TakeScratch()
    {
        var known = t_known ?? [];
        t_known = null; // Taken: a replay within a replay (none today) would get its own.
        return known;
    }

    private static void ReturnScratch(Dictionary<(Guid, DateOnly), Known> known)
    {
        if (known.EnsureCapacity(0) <= MaxScratch)
        {
            known.Clear();
            t_known = known;
        }
    }

    /// <summary>Where the first event at or after a version is, in a history in version order (found by halves: histories grow long).</summary>
    private static int IndexOfVersion(IReadOnlyList<RecordedEvent> history, long version)
    {
        var (low, high) = (0, history.Count);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            (low, high) = history[middle].Version < version ? (middle + 1, high) : (low, middle);
        }

        return low;
    }
}
