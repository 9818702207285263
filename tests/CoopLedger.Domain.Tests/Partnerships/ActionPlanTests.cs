using CoopLedger.Domain.Partnerships.ActionPlan;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class ActionPlanTests
{
    private static readonly Guid LinkJobSites = ActionId(2, 2);

    [Fact]
    public void The_2016_plan_has_four_challenges_and_nine_live_actions()
    {
        var state = Scenario.Given(Monastir2016()).State;

        Assert.Equal(4, state.Challenges.Count);
        Assert.Equal(9, state.Actions.Values.Count(a => a.Live));
    }

    [Fact]
    public void Adopting_a_plan_records_its_challenges_and_actions() =>
        Scenario.Given(Registered, Signed2012, Renewed2016).Then(s => new AdoptActionPlan(Plan2016.From, Plan2016.To, Plan2016.Challenges).Decide(s), Plan2016);

    [Fact]
    public void A_plan_without_challenges_is_refused() =>
        Assert.Equal("plan-empty", Scenario.Given(Registered).ThenRefused(s => new AdoptActionPlan(new(2016, 1, 1), new(2018, 12, 31), []).Decide(s)));

    [Fact]
    public void Abandoning_an_action_leaves_eight_live_and_one_abandoned()
    {
        var abandoned = new ActionAbandoned(LinkJobSites, "Jugée non pertinente");
        Scenario.Given(Monastir2016()).Then(s => new AbandonAction(LinkJobSites, "Jugée non pertinente").Decide(s), abandoned);

        var state = Scenario.Given([.. Monastir2016(), abandoned]).State;
        Assert.Equal(8, state.Actions.Values.Count(a => a.Live));
        Assert.Equal(ActionStatus.Abandoned, state.Action(LinkJobSites).Status);
    }

    [Fact]
    public void Adding_an_action_to_an_unknown_challenge_is_not_found() =>
        Assert.Equal("challenge", Scenario.Given(Monastir2016()).ThenNotFound(s => new AddAction(Guid.NewGuid(), Guid.NewGuid(), "x").Decide(s)));

    [Fact]
    public void Adding_an_action_to_a_retired_challenge_is_refused() =>
        Assert.Equal("challenge-retired", Scenario.Given([.. Monastir2016(), new ChallengeRetired(ChallengeId(2), "fusionné")])
            .ThenRefused(s => new AddAction(Guid.NewGuid(), ChallengeId(2), "x").Decide(s)));

    [Fact]
    public void Adding_a_challenge_and_an_action_under_it_records_both()
    {
        var (challenge, action) = (Guid.NewGuid(), Guid.NewGuid());
        Scenario.Given(Monastir2016()).Then(s => new AddChallenge(challenge, "Jeunesse").Decide(s), new ChallengeAdded(challenge, "Jeunesse"));
        Scenario.Given([.. Monastir2016(), new ChallengeAdded(challenge, "Jeunesse")])
            .Then(s => new AddAction(action, challenge, "Chantiers jeunes").Decide(s), new ActionAdded(action, challenge, "Chantiers jeunes"));
    }

    [Fact]
    public void Postponing_an_abandoned_action_is_refused() =>
        Assert.Equal("action-abandoned", Scenario.Given([.. Monastir2016(), new ActionAbandoned(LinkJobSites, "non pertinente")])
            .ThenRefused(s => new PostponeAction(LinkJobSites, 2017).Decide(s)));

    [Fact]
    public void Postponing_records_the_year_and_a_year_out_of_range_is_refused()
    {
        Scenario.Given(Monastir2016()).Then(s => new PostponeAction(ActionId(1, 1), 2017).Decide(s), new ActionPostponed(ActionId(1, 1), 2017));
        Assert.Equal("year-out-of-range", Scenario.Given(Monastir2016()).ThenRefused(s => new PostponeAction(ActionId(1, 1), 2101).Decide(s)));
    }

    [Fact]
    public void An_action_starts_then_completes_and_a_completed_action_cannot_start_again()
    {
        Scenario.Given(Monastir2016()).Then(s => new StartAction(ActionId(3, 1)).Decide(s), new ActionStarted(ActionId(3, 1)));
        Scenario.Given([.. Monastir2016(), new ActionStarted(ActionId(3, 1))])
            .Then(s => new CompleteAction(ActionId(3, 1)).Decide(s), new ActionCompleted(ActionId(3, 1)));
        Assert.Equal("action-completed", Scenario.Given([.. Monastir2016(), new ActionCompleted(ActionId(3, 1))])
            .ThenRefused(s => new StartAction(ActionId(3, 1)).Decide(s)));
    }

    [Fact]
    public void An_annual_programme_retains_live_actions_and_refuses_an_abandoned_one()
    {
        Guid[] retained = [ActionId(1, 1), ActionId(3, 2)];
        Scenario.Given(Monastir2016()).Then(s => new AdoptAnnualProgramme(2017, retained).Decide(s), new AnnualProgrammeAdopted(2017, retained));
        Assert.Equal("action-abandoned", Scenario.Given([.. Monastir2016(), new ActionAbandoned(LinkJobSites, "non pertinente")])
            .ThenRefused(s => new AdoptAnnualProgramme(2017, [LinkJobSites]).Decide(s)));
        Assert.Equal("action", Scenario.Given(Monastir2016()).ThenNotFound(s => new AdoptAnnualProgramme(2017, [Guid.NewGuid()]).Decide(s)));
    }
}
