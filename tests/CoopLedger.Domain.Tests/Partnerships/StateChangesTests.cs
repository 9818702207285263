using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Changes;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class StateChangesTests
{
    private static readonly Guid Added = Guid.Parse("5a1e7e7e-0000-4000-8000-00000000a001");
    private static readonly Guid Line = Guid.Parse("5a1e7e7e-0000-4000-8000-00000000f001");
    private static readonly Guid Withdrawn = Guid.Parse("5a1e7e7e-0000-4000-8000-00000000f002");
    private static readonly Funder State = new("Ministère de l'Europe et des Affaires étrangères", FunderKind.State);

    [Fact]
    public void Between_two_states_it_lists_what_the_plan_funding_and_conventions_went_through()
    {
        object[] before = [.. Monastir2016(), new FundingCommitted(Line, State, 17_100m, 2017, FundingMechanism.MinistryCall, null, false),
            new FundingCommitted(Withdrawn, State, 500m, 2017, FundingMechanism.MinistryCall, null, false)];
        object[] after = [.. before,
            new ActionAdded(Added, ChallengeId(1), "Nouvelle action"),
            new ActionStarted(ActionId(1, 1)), new ActionCompleted(ActionId(1, 1)),
            new ActionPostponed(ActionId(2, 1), 2019), new ActionAbandoned(ActionId(2, 2), "Jugée non pertinente"),
            new ChallengeRetired(ChallengeId(3), "fusionné"),
            new FundingRevised(Line, 18_000m, null, "avenant"), new FundingWithdrawn(Withdrawn, "annulé"),
            new ConventionAmended(Convention2012, new(2017, 6, 1), "Prolongation", new(2019, 6, 30)),
            new ConventionRenewed(Convention2012, new(2019, 1, 1), new(2019, 7, 1), new(2021, 12, 31))];

        var changes = StateChanges.Between(PartnershipEvolution.Fold(before), PartnershipEvolution.Fold(after));

        Assert.Equal([Added], changes.ActionsAdded.Select(a => a.ActionId));
        Assert.Empty(changes.ActionsStarted); // Started, then completed: it is listed where it ended up.
        Assert.Equal([ActionId(1, 1)], changes.ActionsCompleted.Select(a => a.ActionId));
        Assert.Equal((ActionId(2, 1), 2019), changes.ActionsPostponed.Select(a => (a.ActionId, a.PostponedTo!.Value)).Single());
        Assert.Equal([ActionId(2, 2)], changes.ActionsAbandoned.Select(a => a.ActionId));
        Assert.Empty(changes.ChallengesAdded);
        Assert.Equal([ChallengeId(3)], changes.ChallengesRetired.Select(c => c.ChallengeId));
        Assert.Equal((17_100m, 18_000m), changes.FundingRevised.Select(f => (f.AmountBefore!.Value, f.AmountAfter)).Single());
        Assert.Equal([Withdrawn], changes.FundingWithdrawn.Select(f => f.FundingId));
        Assert.Empty(changes.FundingCommitted);
        Assert.Equal([Convention2012], changes.ConventionsRenewed.Select(c => c.ConventionId));
        Assert.Equal([Convention2012], changes.ConventionsAmended.Select(c => c.ConventionId));
    }

    [Fact]
    public void From_nothing_everything_is_new_and_nothing_moved()
    {
        var changes = StateChanges.Between(PartnershipState.Initial, PartnershipEvolution.Fold(Monastir2016()));

        Assert.Equal(9, changes.ActionsAdded.Count);
        Assert.Empty(changes.ActionsAbandoned);
        Assert.Equal(4, changes.ChallengesAdded.Count);
        Assert.Equal([Convention2012], changes.ConventionsSigned.Select(c => c.ConventionId));
        Assert.Empty(changes.ConventionsRenewed);
    }

    [Fact]
    public void The_same_state_twice_changes_nothing()
    {
        var state = PartnershipEvolution.Fold(Monastir2016());

        var changes = StateChanges.Between(state, state);

        Assert.All(new object[] { changes.ActionsAdded, changes.ActionsCompleted, changes.FundingCommitted, changes.ConventionsSigned, changes.ChallengesRetired },
            list => Assert.Empty((System.Collections.IEnumerable)list));
    }
}
