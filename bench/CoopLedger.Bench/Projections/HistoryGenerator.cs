using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore.Events;

namespace CoopLedger.Bench.Projections;

/// <summary>
/// Generates a partnership's history, deterministic per partnership: registration, a convention renewed every
/// three years, an action plan whose actions start, complete, slip and are dropped, new actions, yearly
/// programmes, and several funding lines a year (some revised, some withdrawn, some with a 1% water part).
/// </summary>
internal static class HistoryGenerator
{
    private static readonly byte[] IdBytes = [.. Enumerable.Range(0, 256).Select(b => (byte)b)];
    private static readonly string[] Countries = ["TN", "SN", "MA", "BF", "VN", "MG", "CM", "HT", "BJ", "ML", "LB", "AM"];
    private static readonly FundingMechanism[] Mechanisms =
        [FundingMechanism.GeneralBudget, FundingMechanism.MinistryCall, FundingMechanism.OnePercentWater, FundingMechanism.EuropeanFunds];
    private static readonly Funder[] Funders =
    [
        new("Ministère de l'Europe et des Affaires étrangères", FunderKind.State), new("Ville", FunderKind.FrenchAuthority),
        new("Agence de l'eau", FunderKind.Other), new("Municipalité partenaire", FunderKind.ForeignAuthority), new("Union européenne", FunderKind.EuropeanUnion),
    ];

    /// <summary>
    /// Exactly <paramref name="count"/> events for partnership number <paramref name="index"/>, starting in a year
    /// from <paramref name="firstYear"/> (spread over fifteen years).
    /// </summary>
    public static IReadOnlyList<NewEvent> History(Guid partnershipId, int index, int count, int firstYear = 1995)
    {
        var random = new Random(index);
        // Histories end before today, as most do (future-dated changes are the exception a report must handle, not the rule).
        var start = new DateOnly(firstYear + random.Next(15), 1 + random.Next(12), 1);
        var events = new List<NewEvent>(count + 32);
        void Add(object data, DateOnly on) => events.Add(new NewEvent(data, new DateTimeOffset(on.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));

        Add(new PartnershipRegistered(partnershipId, $"Coopération n° {index}", PartnershipForm.DecentralisedCooperation,
            [new FrenchAuthority((100_000_000 + index).ToString(System.Globalization.CultureInfo.InvariantCulture), $"Collectivité {index}", AuthorityKind.Commune)],
            [new ForeignPartner($"Partenaire {index}", Countries[index % Countries.Length], "Commune")], null), start);
        Guid NextId() => new(random.GetItems<byte>(IdBytes, 16));
        var convention = NextId();
        Add(new ConventionSigned(convention, start, start, start.AddYears(3).AddDays(-1), "Convention de coopération"), start);
        var challenges = Enumerable.Range(0, 4).Select(c => new PlannedChallenge(NextId(), $"Enjeu {c + 1}",
            [.. Enumerable.Range(0, 3).Select(a => new PlannedAction(NextId(), $"Action {c + 1}.{a + 1}"))])).ToList();
        Add(new ActionPlanAdopted(start, start.AddYears(6), challenges), start);
        var actions = challenges.SelectMany(c => c.Actions.Select(a => (a.ActionId, c.ChallengeId))).ToList();
        var lines = new List<Guid>();

        for (var year = start.Year; events.Count < count; year++)
        {
            var on = new DateOnly(year, 3, 1);
            if ((year - start.Year) % 3 == 2)
            {
                Add(new ConventionRenewed(convention, on, new DateOnly(year + 1, start.Month, 1), new DateOnly(year + 4, start.Month, 1).AddDays(-1)), on);
            }

            Add(new AnnualProgrammeAdopted(year, [.. actions.Take(4).Select(a => a.ActionId)]), on);
            // About ten events a year; only histories longer than a century of that fund more per year, so that
            // they still end before 2100, the last year a query may ask for.
            for (var f = 0; f < 4 * (count > 1_000 ? count / 200 : 1); f++)
            {
                var line = NextId();
                var mechanism = Mechanisms[random.Next(Mechanisms.Length)];
                var amount = 1_000m * random.Next(1, 80);
                Add(new FundingCommitted(line, Funders[random.Next(Funders.Length)], amount, year, mechanism,
                    mechanism == FundingMechanism.OnePercentWater ? amount / 2 : null, random.Next(10) == 0), on.AddDays(f % 28));
                lines.Add(line);
            }

            if (random.Next(3) == 0)
            {
                Add(new FundingRevised(lines[^1], 1_000m * random.Next(1, 80), null, "Avenant financier"), on.AddMonths(4));
            }

            if (random.Next(5) == 0)
            {
                Add(new FundingWithdrawn(lines[^2], "Projet non retenu"), on.AddMonths(5));
            }

            var action = actions[random.Next(actions.Count)].ActionId;
            Add(new ActionStarted(action), on.AddMonths(1));
            Add((random.Next(4)) switch
            {
                0 => new ActionPostponed(action, year + 1),
                1 => new ActionAbandoned(action, "Priorités revues"),
                _ => new ActionCompleted(action),
            }, on.AddMonths(9));
            var added = NextId();
            var challenge = challenges[random.Next(challenges.Count)].ChallengeId;
            Add(new ActionAdded(added, challenge, $"Action nouvelle {year}"), on.AddMonths(10));
            actions.Add((added, challenge));
        }

        return events.GetRange(0, count);
    }
}
