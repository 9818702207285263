using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore.Events;
using NpgsqlTypes;

namespace CoopLedger.Projections.History;

/// <summary>One version of a row and the days it held (lower bound included, upper excluded or unbounded).</summary>
/// <param name="Row">The row's values.</param>
/// <param name="Validity">The days it held.</param>
public sealed record RowStretch<TRow>(TRow Row, NpgsqlRange<DateOnly> Validity);

/// <summary>
/// The rows of a read model over effective time: the corrected history is folded in effective order (version
/// breaking ties; the registration first, whatever its date), as every as-of view does, and each row's value is
/// kept for the stretch of days during which it stood. "As of D" is then one containment query on the stretches.
/// </summary>
public static class EffectiveTimeline
{
    /// <summary>The stretches of every row that <paramref name="rowsOf"/> gives for some day's state.</summary>
    /// <param name="correctedHistory">The partnership's events, corrections applied.</param>
    /// <param name="concerns">Whether an event can change the rows: days with none of those keep the rows as they were.</param>
    /// <param name="rowsOf">The rows of a state, by a key unique within the partnership.</param>
    /// <param name="comparer">When two rows are the same (by default, the row type's equality).</param>
    public static IReadOnlyList<RowStretch<TRow>> Of<TKey, TRow>(
        IReadOnlyList<RecordedEvent> correctedHistory, Func<object, bool> concerns, Func<PartnershipState, IEnumerable<(TKey Key, TRow Row)>> rowsOf,
        IEqualityComparer<TRow>? comparer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(correctedHistory);
        ArgumentNullException.ThrowIfNull(concerns);
        ArgumentNullException.ThrowIfNull(rowsOf);
        comparer ??= EqualityComparer<TRow>.Default;
        var ordered = correctedHistory.OrderBy(e => e.Version == 1 ? 0 : 1).ThenBy(e => e.EffectiveAt).ThenBy(e => e.Version).ToList();
        var stretches = new List<RowStretch<TRow>>();
        var open = new Dictionary<TKey, (TRow Row, DateOnly From)>();
        var seen = new HashSet<TKey>();
        var state = PartnershipState.Initial;
        var changed = false;
        for (var i = 0; i < ordered.Count; i++)
        {
            state = PartnershipEvolution.Evolve(state, ordered[i].Data);
            changed |= concerns(ordered[i].Data);
            var day = Day(ordered[i]);
            if (!changed || (i + 1 < ordered.Count && Day(ordered[i + 1]) <= day))
            {
                continue; // Only the state at the end of a day is visible "as of" that day.
            }

            changed = false;
            seen.Clear();
            foreach (var (key, row) in rowsOf(state))
            {
                seen.Add(key);
                if (open.TryGetValue(key, out var current))
                {
                    if (comparer.Equals(current.Row, row))
                    {
                        continue;
                    }

                    stretches.Add(new(current.Row, new NpgsqlRange<DateOnly>(current.From, true, day, false)));
                }

                open[key] = (row, day);
            }

            if (seen.Count < open.Count)
            {
                foreach (var key in open.Keys.Where(k => !seen.Contains(k)).ToList())
                {
                    stretches.Add(new(open[key].Row, new NpgsqlRange<DateOnly>(open[key].From, true, day, false)));
                    open.Remove(key);
                }
            }
        }

        stretches.AddRange(open.Values.Select(o => new RowStretch<TRow>(o.Row, new NpgsqlRange<DateOnly>(o.From, true, false, default, false, true))));
        return stretches;
    }

    /// <summary>The registration counts from the beginning of time: it says the partnership exists, whatever its date.</summary>
    private static DateOnly Day(RecordedEvent recorded) =>
        recorded.Version == 1 ? DateOnly.MinValue : DateOnly.FromDateTime(recorded.EffectiveAt.UtcDateTime);
}
