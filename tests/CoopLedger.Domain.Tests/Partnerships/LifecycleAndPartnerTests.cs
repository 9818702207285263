using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Lifecycle;
using CoopLedger.Domain.Partnerships.Partners;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class LifecycleAndPartnerTests
{
    private static readonly Guid VoixDeLEnfant = Guid.Parse("5a1e7e7e-0000-4000-8000-00000000a001");

    [Fact]
    public void A_suspended_partnership_is_Suspended_and_resumes_to_Active()
    {
        Scenario.Given(Monastir2016()).Then(s => new SuspendPartnership("élections", new(2016, 6, 1)).Decide(s), new PartnershipSuspended("élections"));
        var suspended = Scenario.Given([.. Monastir2016(), new PartnershipSuspended("élections")]);
        Assert.Equal(PartnershipStatus.Suspended, suspended.State.StatusOn(new(2016, 6, 30)));
        Assert.Equal("already-suspended", suspended.ThenRefused(s => new SuspendPartnership(null, new(2016, 7, 1)).Decide(s)));

        var resumed = Scenario.Given([.. Monastir2016(), new PartnershipSuspended("élections"), new PartnershipResumed(null)]);
        Assert.Equal(PartnershipStatus.Active, resumed.State.StatusOn(new(2016, 6, 30)));
    }

    [Fact]
    public void Only_an_active_partnership_can_be_suspended()
    {
        Assert.Equal("not-active", Scenario.Given(Registered).ThenRefused(s => new SuspendPartnership(null, new(2026, 1, 1)).Decide(s)));
        Assert.Equal("not-active", Scenario.Given(Monastir2016()).ThenRefused(s => new SuspendPartnership(null, new(2019, 6, 1)).Decide(s)));
    }

    [Fact]
    public void A_partnership_with_no_convention_in_force_by_its_end_date_is_cancelled_not_terminated() =>
        Assert.Equal("never-active", Scenario.Given(Registered).ThenRefused(s => new TerminatePartnership(new(2026, 1, 1), null).Decide(s)));

    [Fact]
    public void Resuming_a_partnership_that_is_not_suspended_is_refused() =>
        Assert.Equal("not-suspended", Scenario.Given(Monastir2016()).ThenRefused(s => new ResumePartnership(null).Decide(s)));

    [Fact]
    public void A_terminated_partnership_is_Terminated_from_its_end_date()
    {
        var terminated = new PartnershipTerminated(new(2018, 12, 31), "fin du programme");
        Scenario.Given(Monastir2016()).Then(s => new TerminatePartnership(new(2018, 12, 31), "fin du programme").Decide(s), terminated);

        var state = Scenario.Given([.. Monastir2016(), terminated]).State;
        Assert.Equal(PartnershipStatus.Active, state.StatusOn(new(2018, 12, 30)));
        Assert.Equal(PartnershipStatus.Terminated, state.StatusOn(new(2019, 1, 15)));
    }

    [Fact]
    public void Cancelling_is_for_partnerships_without_a_signed_convention()
    {
        Scenario.Given(Registered).Then(s => new CancelPartnership("abandon du projet").Decide(s), new PartnershipCancelled("abandon du projet"));
        Assert.Equal(PartnershipStatus.Cancelled, Scenario.Given(Registered, new PartnershipCancelled(null)).State.StatusOn(new(2026, 1, 1)));
        Assert.Equal("convention-signed", Scenario.Given(Monastir2016()).ThenRefused(s => new CancelPartnership(null).Decide(s)));
    }

    [Fact]
    public void A_partner_joins_and_leaves_once()
    {
        var joined = new PartnerJoined(VoixDeLEnfant, "La Voix de l'Enfant", PartnerKind.AssociatedActor, "FR", null);
        Scenario.Given(Monastir2016()).Then(s => new JoinPartner(VoixDeLEnfant, "La Voix de l'Enfant", PartnerKind.AssociatedActor, "FR", null).Decide(s), joined);
        Scenario.Given([.. Monastir2016(), joined]).Then(s => new LeavePartner(VoixDeLEnfant).Decide(s), new PartnerLeft(VoixDeLEnfant));
        Assert.Equal("partner-left", Scenario.Given([.. Monastir2016(), joined, new PartnerLeft(VoixDeLEnfant)])
            .ThenRefused(s => new LeavePartner(VoixDeLEnfant).Decide(s)));
        Assert.Equal("partner", Scenario.Given(Monastir2016()).ThenNotFound(s => new LeavePartner(Guid.NewGuid()).Decide(s)));
    }

    [Fact]
    public void The_French_authorities_taking_part_are_the_registered_ones_and_those_that_joined_and_have_not_left()
    {
        var (loire, lyon) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Scenario.Given([.. Monastir2016(),
            new PartnerJoined(loire, "Département de la Loire", PartnerKind.FrenchAuthority, "FR", "224200014"),
            new PartnerJoined(lyon, "Lyon", PartnerKind.FrenchAuthority, "FR", "216901231"), new PartnerLeft(lyon),
            new PartnerJoined(VoixDeLEnfant, "La Voix de l'Enfant", PartnerKind.AssociatedActor, "FR", "775684897")]).State;

        Assert.Equal(["214202186", "224200014"], state.FrenchAuthoritySirens.Order(StringComparer.Ordinal));
        Assert.True(state.HasFrenchAuthority("214202186"));
        Assert.True(state.HasFrenchAuthority("224200014"));
        Assert.False(state.HasFrenchAuthority("216901231")); // left
        Assert.False(state.HasFrenchAuthority("775684897")); // an associated actor, not an authority
        Assert.False(state.HasFrenchAuthority("000000000"));
    }

    [Fact]
    public void A_French_authority_joins_only_with_a_valid_SIREN() =>
        Assert.Equal("invalid-siren", Scenario.Given(Monastir2016())
            .ThenRefused(s => new JoinPartner(Guid.NewGuid(), "Loire", PartnerKind.FrenchAuthority, "FR", "123").Decide(s)));

    [Fact]
    public void Evolve_never_throws_on_events_naming_unknown_entities()
    {
        var state = Scenario.Given(Registered, new PartnerLeft(Guid.NewGuid()), new CoopLedger.Domain.Partnerships.ActionPlan.ActionStarted(Guid.NewGuid()),
            new CoopLedger.Domain.Partnerships.Conventions.ConventionRenewed(Guid.NewGuid(), new(2016, 1, 1), new(2016, 1, 1), new(2017, 1, 1)), "not an event").State;

        Assert.True(state.Exists);
        Assert.Empty(state.Conventions);
    }
}
