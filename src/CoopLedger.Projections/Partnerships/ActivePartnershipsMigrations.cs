using CoopLedger.EventStore.Schema;

namespace CoopLedger.Projections.Partnerships;

/// <summary>The active-partnerships read model's tables.</summary>
public static class ActivePartnershipsMigrations
{
    /// <summary>Every migration of the read model, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("projections", 2, "partnerships and convention validity", """
            CREATE TABLE projections.partnerships (
                partnership_id uuid    PRIMARY KEY,
                title          text    NOT NULL,
                form           text    NOT NULL,
                countries      text[]  NOT NULL,
                sirens         text[]  NOT NULL,
                suspended      boolean NOT NULL,
                cancelled      boolean NOT NULL,
                terminated_on  date
            );

            -- One row per validity period (a convention's signature, then each renewal): "active on D" is one
            -- GiST-indexed containment query, for today or any past date.
            CREATE TABLE projections.convention_periods (
                partnership_id uuid      NOT NULL,
                convention_id  uuid      NOT NULL,
                validity       daterange NOT NULL
            );
            CREATE INDEX convention_periods_validity ON projections.convention_periods USING gist (validity);
            CREATE INDEX convention_periods_partnership ON projections.convention_periods (partnership_id);
            """),
    ];
}
