using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Registration;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class RegistrationTests
{
    private static RegisterPartnership Register(string siren = "214202186") => new(Partnership, Registered.Title, Registered.Form,
        [new FrenchAuthority(siren, "Saint-Étienne", AuthorityKind.Commune)], Registered.ForeignPartners, Registered.PrimaryTheme);

    [Fact]
    public void Registering_records_the_partnership_with_its_parties_and_theme() =>
        Scenario.Given().Then(s => Register().Decide(s), Registered with { });

    [Fact]
    public void A_registered_partnership_is_Registered_until_a_convention_is_signed() =>
        Assert.Equal(PartnershipStatus.Registered, Scenario.Given(Registered).State.StatusOn(new(2026, 1, 1)));

    [Fact]
    public void Registering_twice_is_refused() =>
        Assert.Equal("already-registered", Scenario.Given(Registered).ThenRefused(s => Register().Decide(s)));

    [Fact]
    public void A_SIREN_failing_its_check_digit_is_refused() =>
        Assert.Equal("invalid-siren", Scenario.Given().ThenRefused(s => Register("214202187").Decide(s)));

    [Fact]
    public void Registering_without_a_foreign_partner_is_refused() =>
        Assert.Equal("parties-missing", Scenario.Given().ThenRefused(s => (Register() with { ForeignPartners = [] }).Decide(s)));

    [Theory]
    [InlineData("214202186", true)] // Saint-Étienne
    [InlineData("732829320", true)]
    [InlineData("214202187", false)]
    [InlineData("21420218", false)]
    [InlineData("2142021a6", false)]
    [InlineData("", false)]
    public void SIREN_numbers_are_nine_digits_with_a_Luhn_check(string siren, bool valid) =>
        Assert.Equal(valid, Siren.IsValid(siren));
}
