using CoopLedger.EventStore.Schema;

namespace CoopLedger.Projections.ActionPlan;

/// <summary>The actions read model's table.</summary>
public static class ActionsPerChallengeMigrations
{
    /// <summary>Every migration of the read model, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("projections", 3, "plan actions", """
            -- One row per action as it currently stands, with its challenge, for the actions-per-challenge report.
            CREATE TABLE projections.plan_actions (
                action_id       uuid PRIMARY KEY,
                partnership_id  uuid NOT NULL,
                challenge_id    uuid NOT NULL,
                challenge_title text NOT NULL,
                challenge_order int  NOT NULL,
                status          text NOT NULL
            );
            CREATE INDEX plan_actions_partnership ON projections.plan_actions (partnership_id);
            """),
    ];
}
