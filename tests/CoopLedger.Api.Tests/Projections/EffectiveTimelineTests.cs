using System.Text.Json;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore.Events;
using CoopLedger.Projections.History;

namespace CoopLedger.Api.Tests.Projections;

/// <summary>Following appends one by one gives exactly the rows of folding the whole history at once.</summary>
public sealed class EffectiveTimelineTests
{
    private static readonly Funder City = new("Ville", FunderKind.FrenchAuthority);
    private static readonly EventTypeRegistry Types = CoopLedger.Api.Partnerships.PartnershipLedger.CreateRegistry();

    [Fact]
    public void Appends_followed_one_by_one_give_the_rows_of_the_whole_history_whatever_their_dates()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var history = History(random);
            var followed = Timeline();
            var start = 0;
            while (start < history.Count)
            {
                var size = random.Next(1, 4);
                var append = history.Skip(start).Take(size).ToList();
                if (!followed.TryAppend(append))
                {
                    followed.Reset(history.Take(start + append.Count).ToList());
                }

                start += append.Count;
                var whole = Timeline();
                whole.Reset(history.Take(start).ToList());
                Assert.Equal(Describe(whole), Describe(followed));
            }
        }
    }

    [Fact]
    public void A_timeline_kept_from_the_previous_batch_gives_the_changes_of_folding_again_and_of_the_slow_definition()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            // Each event its own append (its own recorded instant), batches of one to four appends; some corrections.
            var history = WithCorrections(History(random), random).Select(e => e with { RecordedAt = e.RecordedAt.AddMinutes(e.Version) }).ToList();
            var kept = KeyedTimeline();
            for (var from = 1; from <= history.Count;)
            {
                var upTo = history.Take(Math.Min(history.Count, from + random.Next(0, 4))).ToList();

                var foldedAgain = KnownRows.Replay(upTo, from, Concerns, KeyedTimeline(), Corrected);
                var followed = KnownRows.Replay(upTo, from, Concerns, kept, Corrected, sourceFollowsEarlier: from > 1);

                Assert.Equal(Describe(foldedAgain), Describe(followed));
                Assert.Equal(Describe(ComparedAfresh(upTo, from)).Order(StringComparer.Ordinal), Describe(followed).Order(StringComparer.Ordinal));
                from = upTo.Count + 1;
            }
        }
    }

    /// <summary>
    /// What a replay means, the slow way: the rows of the history before <paramref name="from"/>, then after each append
    /// the rows of the history so far folded from nothing, compared with those known: a row changed or gone stops being
    /// known at that append, a new one starts.
    /// </summary>
    private static KnownRows.Changes ComparedAfresh(List<RecordedEvent> history, long from)
    {
        List<KnownRow> RowsOf(IEnumerable<RecordedEvent> events)
        {
            var timeline = KeyedTimeline();
            timeline.Reset(Corrected([.. events]));
            return [.. timeline.Closed.Concat(timeline.Open())];
        }

        var known = RowsOf(history.Where(e => e.Version < from)).ToDictionary(r => (r.Id, r.ValidFrom), r => (Row: r, From: (DateTimeOffset?)null));
        var (spans, ended) = (new List<KnownSpan>(), new List<(KnownRow, DateTimeOffset)>());
        foreach (var append in history.Where(e => e.Version >= from).GroupBy(e => e.RecordedAt))
        {
            var now = RowsOf(history.Where(e => e.RecordedAt <= append.Key)).ToDictionary(r => (r.Id, r.ValidFrom));
            foreach (var (key, was) in known.Where(k => !now.TryGetValue(k.Key, out var row) || !row.SameAs(k.Value.Row)).ToList())
            {
                known.Remove(key);
                if (was.From is { } since)
                {
                    spans.Add(new KnownSpan(was.Row, since, append.Key));
                }
                else
                {
                    ended.Add((was.Row, append.Key));
                }
            }

            foreach (var (key, row) in now)
            {
                known.TryAdd(key, (row, append.Key));
            }
        }

        spans.AddRange(known.Values.Where(k => k.From is not null).Select(k => new KnownSpan(k.Row, k.From!.Value, null)));
        return new KnownRows.Changes(spans, ended);
    }

    [Fact]
    public void An_entity_gone_from_the_state_on_the_last_day_ends_its_open_stretch_on_that_day()
    {
        var timeline = OneLineWithdrawnOnDay3(_ => []);

        Assert.Empty(timeline.Closed);
        Assert.Equal(
            ["100|[2020-01-02,)", "200|[2020-01-02,2020-01-04)"],
            timeline.Open().Select(DayRanged).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_entity_gone_from_the_state_on_a_day_closed_since_ends_its_stretch_on_that_day()
    {
        // A later day closes the day of the withdrawal: that stretch is closed, and the line kept follows on.
        var timeline = OneLineWithdrawnOnDay3(kept => [(new FundingRevised(kept, 150m, null, "r"), 5), (new FundingRevised(kept, 175m, null, "r"), 8)]);

        Assert.Equal(
            ["100|[2020-01-02,2020-01-06)", "200|[2020-01-02,2020-01-04)"],
            timeline.Closed.Select(DayRanged).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["150|[2020-01-06,2020-01-09)", "175|[2020-01-09,)"], // The last day is not closed: a later append may fall on it.
            timeline.Open().Select(DayRanged).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Two_rows_of_one_entity_from_the_same_day_known_at_once_stop_the_replay_rather_than_one_being_dropped()
    {
        // Every line's row named by the same entity: two lines committed on one day are two rows under one key.
        var timeline = new EffectiveTimeline<Guid, decimal>(
            Concerns,
            (state, rows) => rows.AddRange(state.Funding.Values.Select(l => (l.FundingId, l.Amount))),
            (amount, validity) => new KnownRow("lines", Guid.Empty, validity.LowerBound, [amount, validity]));
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        object[] events =
        [
            new PartnershipRegistered(Guid.NewGuid(), "t", PartnershipForm.Twinning, [], [new ForeignPartner("p", "TN", null)], null),
            new FundingCommitted(Guid.NewGuid(), City, 100m, 2020, FundingMechanism.GeneralBudget, null, false),
            new FundingCommitted(Guid.NewGuid(), City, 200m, 2020, FundingMechanism.GeneralBudget, null, false),
        ];
        List<RecordedEvent> history = [.. events.Select((data, i) => new RecordedEvent(i + 1, Guid.NewGuid(), Guid.Empty, i + 1, "t", 1, data,
            start.AddMinutes(i), start.AddDays(1), "a", null, null, null, 0, 0, null, []))];

        var refused = Assert.Throws<InvalidOperationException>(() => KnownRows.Replay(history, 1, Concerns, timeline, Corrected));
        Assert.Contains("2020-01-02", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A timeline of the lines not withdrawn (a withdrawal takes the line's row away), folded over two lines committed on
    /// day 1 (100 kept, 200 gone), the second withdrawn on day 3, then the events given for the line kept, on their days.
    /// </summary>
    private static EffectiveTimeline<Guid, decimal> OneLineWithdrawnOnDay3(Func<Guid, (object Event, int Day)[]> then)
    {
        var timeline = new EffectiveTimeline<Guid, decimal>(
            Concerns,
            (state, rows) => rows.AddRange(state.Funding.Values.Where(l => !l.Withdrawn).Select(l => (l.FundingId, l.Amount))),
            (amount, validity) => new KnownRow("lines", Guid.Empty, validity.LowerBound, [amount, validity]));
        var (kept, gone) = (Guid.NewGuid(), Guid.NewGuid());
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        (object Event, int Day)[] events =
        [
            (new PartnershipRegistered(Guid.NewGuid(), "t", PartnershipForm.Twinning, [], [new ForeignPartner("p", "TN", null)], null), 0),
            (new FundingCommitted(kept, City, 100m, 2020, FundingMechanism.GeneralBudget, null, false), 1),
            (new FundingCommitted(gone, City, 200m, 2020, FundingMechanism.GeneralBudget, null, false), 1),
            (new FundingWithdrawn(gone, "w"), 3),
            .. then(kept),
        ];

        timeline.Reset([.. events.Select((e, i) => new RecordedEvent(i + 1, Guid.NewGuid(), Guid.Empty, i + 1, "t", 1, e.Event, start,
            start.AddDays(e.Day), "a", null, null, null, 0, 0, null, []))]);
        return timeline;
    }

    /// <summary>A row's values, its validity written as a range of days.</summary>
    private static string DayRanged(KnownRow row) => string.Join('|', row.Values.Select(v => v is NpgsqlTypes.NpgsqlRange<DateOnly> range
        ? $"[{range.LowerBound:yyyy-MM-dd},{(range.UpperBoundInfinite ? "" : range.UpperBound.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))})"
        : v));

    /// <summary>Rows named by their funding line, as a read model's are (the replay tells rows apart by entity and first day).</summary>
    private static EffectiveTimeline<Guid, (Guid Line, decimal Amount, bool Withdrawn)> KeyedTimeline() => new(
        Concerns,
        (state, rows) => rows.AddRange(state.Funding.Values.Select(l => (l.FundingId, (l.FundingId, l.Amount, l.Withdrawn)))),
        (row, validity) => new KnownRow("lines", row.Line, validity.LowerBound, [row.Line, row.Amount, row.Withdrawn, validity]));

    private static bool Concerns(object data) =>
        data is PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn or CorrectionRecorded;

    private static IReadOnlyList<RecordedEvent> Corrected(IReadOnlyList<RecordedEvent> history) => CorrectedHistory.Apply(history, Types);

    private static List<string> Describe(KnownRows.Changes changes) =>
    [
        .. changes.Spans.Select(s => $"{string.Join('|', s.Row.Values)} known {s.From:O}..{s.Until:O}"),
        .. changes.Ended.Select(e => $"{string.Join('|', e.Row.Values)} ended {e.Until:O}"),
    ];

    private static EffectiveTimeline<Guid, (decimal Amount, bool Withdrawn)> Timeline() => new(
        Concerns,
        (state, rows) => rows.AddRange(state.Funding.Values.Select(l => (l.FundingId, (l.Amount, l.Withdrawn)))),
        (row, validity) => new KnownRow("lines", Guid.Empty, validity.LowerBound, [row.Amount, row.Withdrawn, validity]));

    private static List<string> Describe(EffectiveTimeline<Guid, (decimal Amount, bool Withdrawn)> timeline) =>
        [.. timeline.Closed.Concat(timeline.Open()).Select(r => string.Join('|', r.Values)).Order(StringComparer.Ordinal)];

    /// <summary>
    /// The history with up to three corrections, each recorded some time after the funding event it corrects: of its
    /// amount, or of the day it held (which moves it among the others).
    /// </summary>
    private static List<RecordedEvent> WithCorrections(List<RecordedEvent> history, Random random)
    {
        var events = history.ToList();
        for (var i = random.Next(0, 4); i > 0; i--)
        {
            var targets = events.Select((e, at) => (e, at)).Where(t => t.e.Data is FundingCommitted or FundingRevised).ToList();
            if (targets.Count == 0)
            {
                break;
            }

            var (target, at) = targets[random.Next(targets.Count)];
            var changes = random.Next(2) == 0
                ? new Dictionary<string, JsonElement> { ["amount"] = JsonSerializer.SerializeToElement(random.Next(1, 9) * 150m) }
                : new Dictionary<string, JsonElement> { [CorrectedHistory.EffectiveAt] = JsonSerializer.SerializeToElement(target.EffectiveAt.AddDays(random.Next(-10, 10))) };
            var correction = target with { EventId = Guid.NewGuid(), Data = new CorrectionRecorded(target.EventId, changes), EffectiveAt = target.EffectiveAt.AddDays(random.Next(0, 5)) };
            events.Insert(random.Next(at + 1, events.Count + 1), correction);
        }

        return [.. events.Select((e, i) => e with { Position = i + 1, Version = i + 1 })];
    }

    /// <summary>A registration, then funding events on random days, often out of order, some on the same day.</summary>
    private static List<RecordedEvent> History(Random random)
    {
        var lines = new List<Guid>();
        var events = new List<object> { new PartnershipRegistered(Guid.NewGuid(), "t", PartnershipForm.Twinning, [], [new ForeignPartner("p", "TN", null)], null) };
        for (var i = 0; i < 12; i++)
        {
            events.Add((random.Next(4), lines.Count) switch
            {
                (0, > 0) => new FundingRevised(lines[random.Next(lines.Count)], random.Next(1, 9) * 100m, null, "r"),
                (1, > 0) => new FundingWithdrawn(lines[random.Next(lines.Count)], "w"),
                _ => Committed(lines),
            });
        }

        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        return [.. events.Select((data, i) => new RecordedEvent(i + 1, Guid.NewGuid(), Guid.Empty, i + 1, "t", 1, data, start,
            start.AddDays(random.Next(0, 20)).AddHours(random.Next(0, 3)), "a", null, null, null, 0, 0, null, []))];

        static FundingCommitted Committed(List<Guid> lines)
        {
            lines.Add(Guid.NewGuid());
            return new FundingCommitted(lines[^1], City, 1000m, 2020, FundingMechanism.GeneralBudget, null, false);
        }
    }
}
