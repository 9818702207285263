using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Lifecycle;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class ConventionTests
{
    [Fact]
    public void Signing_a_convention_records_its_validity() =>
        Scenario.Given(Registered).Then(
            s => new SignConvention(Convention2012, new(2012, 5, 4), new(2012, 5, 4), new(2015, 12, 31), "Convention de coopération").Decide(s),
            Signed2012);

    [Fact]
    public void Signing_on_an_unknown_partnership_is_not_found() =>
        Assert.Equal("partnership", Scenario.Given().ThenNotFound(s => new SignConvention(Convention2012, new(2012, 5, 4), new(2012, 5, 4), null, null).Decide(s)));

    [Fact]
    public void A_validity_that_ends_before_it_starts_is_refused() =>
        Assert.Equal("period-reversed", Scenario.Given(Registered).ThenRefused(
            s => new SignConvention(Convention2012, new(2012, 5, 4), new(2012, 5, 4), new(2011, 1, 1), null).Decide(s)));

    [Fact]
    public void Renewing_records_a_new_period() =>
        Scenario.Given(Registered, Signed2012).Then(
            s => new RenewConvention(Convention2012, new(2015, 12, 10), new(2016, 1, 1), new(2018, 12, 31)).Decide(s), Renewed2016);

    [Fact]
    public void Renewing_a_convention_of_a_terminated_partnership_is_refused() =>
        Assert.Equal("partnership-ended", Scenario.Given(Registered, Signed2012, new PartnershipTerminated(new(2015, 12, 31), "fin"))
            .ThenRefused(s => new RenewConvention(Convention2012, new(2016, 1, 5), new(2016, 1, 1), new(2018, 12, 31)).Decide(s)));

    [Fact]
    public void A_renewal_starting_before_the_previous_period_started_is_refused() =>
        Assert.Equal("renewal-before-previous", Scenario.Given(Registered, Signed2012, Renewed2016)
            .ThenRefused(s => new RenewConvention(Convention2012, new(2019, 1, 5), new(2015, 6, 1), new(2021, 12, 31)).Decide(s)));

    [Fact]
    public void Renewing_an_unknown_convention_is_not_found() =>
        Assert.Equal("convention", Scenario.Given(Registered).ThenNotFound(
            s => new RenewConvention(Guid.NewGuid(), new(2016, 1, 5), new(2016, 1, 1), new(2018, 12, 31)).Decide(s)));

    [Fact]
    public void An_amendment_that_moves_the_end_extends_the_current_period()
    {
        var amended = new ConventionAmended(Convention2012, new(2018, 6, 1), "Prolongation d'un an", new(2019, 12, 31));
        Scenario.Given(Registered, Signed2012, Renewed2016).Then(
            s => new AmendConvention(Convention2012, new(2018, 6, 1), "Prolongation d'un an", new(2019, 12, 31)).Decide(s), amended);

        var state = Scenario.Given(Registered, Signed2012, Renewed2016, amended).State;
        Assert.Equal(PartnershipStatus.Active, state.StatusOn(new(2019, 6, 30)));
    }

    [Fact]
    public void An_amendment_entered_late_moves_the_end_of_the_period_it_was_signed_in()
    {
        // Entered after the renewal, signed during the first period: it shortens the first period, not the renewal.
        var amendment = new ConventionAmended(Convention2012, new(2014, 3, 1), "Fin anticipée", new(2014, 12, 31));
        Scenario.Given(Registered, Signed2012, Renewed2016).Then(
            s => new AmendConvention(Convention2012, new(2014, 3, 1), "Fin anticipée", new(2014, 12, 31)).Decide(s), amendment);

        var state = Scenario.Given(Registered, Signed2012, Renewed2016, amendment).State;
        Assert.Equal(PartnershipStatus.Lapsed, state.StatusOn(new(2015, 6, 1)));
        Assert.Equal(PartnershipStatus.Active, state.StatusOn(new(2017, 6, 1)));
    }

    [Theory]
    [InlineData("2012-06-01", PartnershipStatus.Active)]
    [InlineData("2016-06-30", PartnershipStatus.Active)]
    [InlineData("2018-12-31", PartnershipStatus.Active)]
    [InlineData("2019-01-15", PartnershipStatus.Lapsed)]
    [InlineData("2011-01-01", PartnershipStatus.Registered)]
    public void Status_follows_the_conventions_validity_with_no_event_needed(string date, PartnershipStatus expected) =>
        Assert.Equal(expected, Scenario.Given(Monastir2016()).State.StatusOn(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Between_two_periods_a_gap_is_Lapsed_and_a_renewal_makes_it_Active_again()
    {
        var state = Scenario.Given(Registered, Signed2012, new ConventionRenewed(Convention2012, new(2016, 3, 1), new(2016, 3, 1), new(2018, 12, 31))).State;

        Assert.Equal(PartnershipStatus.Lapsed, state.StatusOn(new(2016, 1, 15)));
        Assert.Equal(PartnershipStatus.Active, state.StatusOn(new(2016, 3, 1)));
    }
}
