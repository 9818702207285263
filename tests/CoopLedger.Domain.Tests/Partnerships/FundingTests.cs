using CoopLedger.Domain.Partnerships.Funding;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class FundingTests
{
    private static readonly Guid Line = Guid.Parse("5a1e7e7e-0000-4000-8000-00000000f001");
    private static readonly Funder Meae = new("MEAE", FunderKind.State);

    private static CommitFunding Commit(decimal amount, decimal? water = null, int year = 2017, DateOnly? on = null) =>
        new(Line, Meae, amount, year, FundingMechanism.MinistryCall, water, false, on ?? new(2017, 3, 1));

    [Fact]
    public void Committing_funding_under_a_convention_in_force_records_it_without_warning()
    {
        var decision = Scenario.Given(Monastir2016()).When(s => Commit(17100.00m).Decide(s));

        Assert.Equal([new FundingCommitted(Line, Meae, 17100.00m, 2017, FundingMechanism.MinistryCall, null, false)], decision.Events);
        Assert.Empty(decision.Warnings);
    }

    [Fact]
    public void Funding_with_no_convention_in_force_is_accepted_with_a_warning()
    {
        var decision = Scenario.Given(Monastir2016()).When(s => Commit(500m, on: new(2019, 3, 1)).Decide(s));

        Assert.Single(decision.Events);
        Assert.Equal([CommitFunding.NoConventionWarning], decision.Warnings);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    public void A_non_positive_amount_is_refused(decimal amount) =>
        Assert.Equal("amount-not-positive", Scenario.Given(Monastir2016()).ThenRefused(s => Commit(amount).Decide(s)));

    [Fact]
    public void A_water_part_larger_than_the_amount_is_refused() =>
        Assert.Equal("water-part-invalid", Scenario.Given(Monastir2016()).ThenRefused(s => Commit(100m, water: 100.01m).Decide(s)));

    [Fact]
    public void Fractions_of_a_cent_are_refused() =>
        Assert.Equal("amount-not-cents", Scenario.Given(Monastir2016()).ThenRefused(s => Commit(100.001m).Decide(s)));

    [Theory]
    [InlineData(1949)]
    [InlineData(2101)]
    public void A_year_outside_1950_2100_is_refused(int year) =>
        Assert.Equal("year-out-of-range", Scenario.Given(Monastir2016()).ThenRefused(s => Commit(100m, year: year).Decide(s)));

    [Fact]
    public void A_revision_changes_the_amount_and_a_withdrawn_line_cannot_be_revised()
    {
        var committed = new FundingCommitted(Line, Meae, 17100m, 2017, FundingMechanism.MinistryCall, null, false);
        Scenario.Given([.. Monastir2016(), committed]).Then(s => new ReviseFunding(Line, 16000m, null, "arbitrage").Decide(s),
            new FundingRevised(Line, 16000m, null, "arbitrage"));
        Scenario.Given([.. Monastir2016(), committed]).Then(s => new WithdrawFunding(Line, "annulé").Decide(s), new FundingWithdrawn(Line, "annulé"));
        Assert.Equal("funding-withdrawn", Scenario.Given([.. Monastir2016(), committed, new FundingWithdrawn(Line, "annulé")])
            .ThenRefused(s => new ReviseFunding(Line, 1m, null, "x").Decide(s)));
    }

    [Fact]
    public void The_2017_funding_of_the_worked_history_totals_62570_euros_of_which_the_State_17100()
    {
        (string Name, FunderKind Kind, decimal Amount)[] lines =
        [
            ("MEAE", FunderKind.State, 17100.00m), ("Saint-Étienne", FunderKind.FrenchAuthority, 31230.00m),
            ("Partenaires étrangers", FunderKind.ForeignAuthority, 13340.00m), ("Lycée de la Mode Adrien Testud", FunderKind.School, 600.00m),
            ("Lycée hôtelier Les Petites Bruyères", FunderKind.School, 300.00m),
        ];
        var history = Monastir2016().Concat(lines.Select(l => (object)new FundingCommitted(
            Guid.NewGuid(), new Funder(l.Name, l.Kind), l.Amount, 2017, FundingMechanism.GeneralBudget, null, false)));

        var funding = Scenario.Given([.. history]).State.Funding.Values.Where(f => f.Year == 2017 && !f.Withdrawn).ToList();

        Assert.Equal(62570.00m, funding.Sum(f => f.Amount));
        Assert.Equal(17100.00m, funding.Where(f => f.Funder.Kind == FunderKind.State).Sum(f => f.Amount));
        Assert.All(funding, f => Assert.Null(f.OnePercentWaterAmount));
    }
}
