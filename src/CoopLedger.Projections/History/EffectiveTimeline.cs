using System.Runtime.InteropServices;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore.Events;
using NpgsqlTypes;

namespace CoopLedger.Projections.History;

/// <summary>Rows of a read model that can follow a stream append by append (see <see cref="KnownRows"/>).</summary>
public interface IKnownRowSource
{
    /// <summary>Starts again from a whole history, corrections applied.</summary>
    void Reset(IReadOnlyList<RecordedEvent> correctedHistory);

    /// <summary>
    /// Folds the events of one more append, when they can simply follow what was folded (none effective before the
    /// latest event folded); false, folding nothing, when the history must be folded again from the start instead.
    /// </summary>
    bool TryAppend(IReadOnlyList<RecordedEvent> events);

    /// <summary>
    /// How many times it started again, by <see cref="Reset"/> only (never by itself, nor in <see cref="TryAppend"/>):
    /// while this stays, <see cref="Closed"/> only grows, and <see cref="KnownRows.Replay"/> relies on its first rows
    /// being those closed before a replay until it calls <see cref="Reset"/>.
    /// </summary>
    int Resets { get; }

    /// <summary>Rows that can no longer change until the next reset (their stretch closed before the last day folded).</summary>
    IReadOnlyList<KnownRow> Closed { get; }

    /// <summary>The other rows: those the next append may still change (a list never changed once given).</summary>
    IReadOnlyList<KnownRow> Open();
}

/// <summary>
/// The rows of a read model over effective time: the corrected history is folded in effective order (version
/// breaking ties; the registration first, whatever its date), as every as-of view does, and each row's value is
/// kept for the stretch of days during which it stood. "As of D" is then one containment query on the stretches.
/// </summary>
/// <remarks>
/// It follows appends without starting over when their events come after everything folded so far, which is how
/// most histories grow: a rebuild then folds each stream about once, not once per append.
/// </remarks>
public sealed class EffectiveTimeline<TKey, TRow> : IKnownRowSource
    where TKey : notnull
{
    private readonly Func<object, bool> _concerns;
    private readonly Action<PartnershipState, List<(TKey Key, TRow Row)>> _rowsOf;
    // The state's rows as last asked for, in a list kept from one day to the next: the rows are asked for on every day
    // closed and after every append, and an iterator per ask was a rebuild's largest garbage after its events.
    private readonly List<(TKey Key, TRow Row)> _rows = [];
    private readonly Func<TRow, NpgsqlRange<DateOnly>, KnownRow> _known;
    private readonly IEqualityComparer<TRow> _comparer;
    private readonly List<KnownRow> _closed = [];
    // An open stretch keeps the row it is stored as, so that unchanged rows are the same objects from one append to
    // the next and comparing what is known before and after an append costs a reference check.
    private readonly Dictionary<TKey, (TRow Row, DateOnly From, KnownRow Stored)> _open = [];
    private DateOnly _day;
    private bool _changed;
    private DateTimeOffset? _latest;

    // The open rows as last worked out, until the next event folded: a live batch asks for them before replaying its
    // appends, and they are those the previous batch ended with.
    private IReadOnlyList<KnownRow>? _lastOpen;

    // The rows starting on the last day, as last worked out: while that day lasts, an entity whose row is unchanged keeps
    // the same stored row from one append to the next (in a live projection, whose events are mostly dated today,
    // that is nearly every entity).
    private readonly Dictionary<TKey, (TRow Row, KnownRow Stored)> _sinceDay = [];

    /// <summary>A timeline of the rows <paramref name="rowsOf"/> gives for a day's state.</summary>
    /// <param name="concerns">Whether an event can change the rows: days with none of those keep the rows as they were.</param>
    /// <param name="rowsOf">Adds the rows of a state to a list, by a key unique within the partnership.</param>
    /// <param name="known">The stored row of a stretch.</param>
    /// <param name="comparer">When two rows are the same (by default, the row type's equality).</param>
    public EffectiveTimeline(Func<object, bool> concerns, Action<PartnershipState, List<(TKey Key, TRow Row)>> rowsOf,
        Func<TRow, NpgsqlRange<DateOnly>, KnownRow> known, IEqualityComparer<TRow>? comparer = null)
    {
        (_concerns, _rowsOf, _known) = (concerns, rowsOf, known);
        _comparer = comparer ?? EqualityComparer<TRow>.Default;
    }

    /// <summary>The state after every event folded: the partnership as of the end of time.</summary>
    public PartnershipState State { get; private set; } = PartnershipState.Initial;

    /// <inheritdoc />
    public void Reset(IReadOnlyList<RecordedEvent> correctedHistory)
    {
        ArgumentNullException.ThrowIfNull(correctedHistory);
        (State, _day, _changed, _latest, _lastOpen) = (PartnershipState.Initial, DateOnly.MinValue, false, null, null);
        Resets++;
        _closed.Clear();
        _sinceDay.Clear();
        _open.Clear();
        foreach (var recorded in correctedHistory.OrderBy(e => e.Version == 1 ? 0 : 1).ThenBy(e => e.EffectiveAt).ThenBy(e => e.Version))
        {
            Fold(recorded);
        }
    }

    /// <inheritdoc />
    public bool TryAppend(IReadOnlyList<RecordedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (_latest is null || events.Any(e => e.Version == 1 || e.EffectiveAt < _latest))
        {
            return false;
        }

        foreach (var recorded in events.OrderBy(e => e.EffectiveAt).ThenBy(e => e.Version))
        {
            Fold(recorded);
        }

        return true;
    }

    /// <inheritdoc />
    public int Resets { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<KnownRow> Closed => _closed;

    /// <inheritdoc />
    /// <remarks>The same list (the same object) until the timeline folds another event or starts again.</remarks>
    public IReadOnlyList<KnownRow> Open() => _lastOpen ??= _changed ? OpenOfLastDay() : [.. _open.Values.Select(o => o.Stored)];

    private List<KnownRow> OpenOfLastDay()
    {
        // The last day's rows, without closing anything yet: a later append may still fall on that day. One pass over
        // the state's rows (it runs after every append of a live projection, over every entity of the partnership).
        // Room for every entity's row and, for those changed on the last day, the stretch they close: in a live
        // projection, whose entities are mostly added today, sizing by the open rows alone regrew the list each append.
        var rows = new List<KnownRow>(_open.Count + _sinceDay.Count + 1);
        var stillOpen = 0;
        foreach (var (key, current) in RowsOfState())
        {
            if (_open.TryGetValue(key, out var open))
            {
                stillOpen++;
                if (_comparer.Equals(current, open.Row))
                {
                    rows.Add(open.Stored);
                    continue;
                }

                if (_day > open.From)
                {
                    rows.Add(_known(open.Row, DayRanges.Until(open.From, _day)));
                }
            }

            rows.Add(SinceDay(key, current));
        }

        if (stillOpen < _open.Count)
        {
            // Entities gone from the state (rare): their open stretch ends on the last day.
            rows.AddRange(GoneFromState().Select(key => _open[key]).Where(o => _day > o.From).Select(o => _known(o.Row, DayRanges.Until(o.From, _day))));
        }

        return rows;
    }

    /// <summary>The stored row of an entity's stretch starting on the last day.</summary>
    private KnownRow SinceDay(TKey key, TRow row)
    {
        if (_sinceDay.TryGetValue(key, out var kept) && _comparer.Equals(kept.Row, row))
        {
            return kept.Stored;
        }

        var stored = _known(row, DayRanges.Since(_day));
        _sinceDay[key] = (row, stored);
        return stored;
    }

    /// <summary>The keys open and absent from the rows of the state last listed (<see cref="RowsOfState"/>): entities gone.</summary>
    private List<TKey> GoneFromState()
    {
        var present = _rows.Select(r => r.Key).ToHashSet();
        return [.. _open.Keys.Where(k => !present.Contains(k))];
    }

    /// <summary>The rows of the state folded so far, in the kept list (valid until the next call).</summary>
    private List<(TKey Key, TRow Row)> RowsOfState()
    {
        _rows.Clear();
        _rowsOf(State, _rows);
        return _rows;
    }

    private void Fold(RecordedEvent recorded)
    {
        _lastOpen = null;
        var day = recorded.Version == 1 ? DateOnly.MinValue : DateOnly.FromDateTime(recorded.EffectiveAt.UtcDateTime);
        if (day > _day)
        {
            if (_changed)
            {
                CloseDay(); // Only the state at the end of a day is visible "as of" that day.
            }

            _day = day;
            _sinceDay.Clear();
        }

        State = PartnershipEvolution.Evolve(State, recorded.Data);
        _changed |= _concerns(recorded.Data);
        if (recorded.Version != 1)
        {
            _latest = _latest is { } latest && latest > recorded.EffectiveAt ? latest : recorded.EffectiveAt;
        }
    }

    private void CloseDay()
    {
        // One lookup per row of the state, the one that finds its open stretch or makes room for it: this runs on every
        // day a fold closes, over every entity of the partnership. The state's keys are unique, so fewer of them found
        // open than were open means some entities are gone.
        var (openBefore, stillThere) = (_open.Count, 0);
        foreach (var (key, row) in RowsOfState())
        {
            ref var open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out var wasOpen);
            if (wasOpen)
            {
                stillThere++;
                if (_comparer.Equals(open.Row, row))
                {
                    continue;
                }

                if (_day > open.From)
                {
                    _closed.Add(_known(open.Row, DayRanges.Until(open.From, _day)));
                }
            }

            open = (row, _day, _known(row, DayRanges.Since(_day)));
        }

        if (stillThere < openBefore)
        {
            foreach (var key in GoneFromState())
            {
                var (row, from, _) = _open[key];
                if (_day > from)
                {
                    _closed.Add(_known(row, DayRanges.Until(from, _day)));
                }

                _open.Remove(key);
            }
        }

        _changed = false;
    }
}
