using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore.Events;
using CoopLedger.Projections.History;

namespace CoopLedger.Api.Tests.Projections;

/// <summary>Following appends one by one gives exactly the rows of folding the whole history at once.</summary>
public sealed class EffectiveTimelineTests
{
    private static readonly Funder City = new("Ville", FunderKind.FrenchAuthority);

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

    private static EffectiveTimeline<Guid, (decimal Amount, bool Withdrawn)> Timeline() => new(
        data => data is PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn,
        state => state.Funding.Values.Select(l => (l.FundingId, (l.Amount, l.Withdrawn))),
        (row, validity) => new KnownRow("lines", Guid.Empty, validity.LowerBound, [row.Amount, row.Withdrawn, validity]));

    private static List<string> Describe(EffectiveTimeline<Guid, (decimal Amount, bool Withdrawn)> timeline) =>
        [.. timeline.Closed.Concat(timeline.Open()).Select(r => string.Join('|', r.Values)).Order(StringComparer.Ordinal)];

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
