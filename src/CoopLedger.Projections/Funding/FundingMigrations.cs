using CoopLedger.EventStore.Schema;

namespace CoopLedger.Projections.Funding;

/// <summary>The funding read model's tables.</summary>
public static class FundingMigrations
{
    /// <summary>Every migration of the read model, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new("projections", 1, "funding lines", """
            CREATE SCHEMA IF NOT EXISTS projections;

            -- One row per funding line as it currently stands (revisions, withdrawals and corrections applied),
            -- with its partnership's country, for the funding-per-year report.
            CREATE TABLE projections.funding_lines (
                funding_id        uuid          PRIMARY KEY,
                partnership_id    uuid          NOT NULL,
                partnership_title text          NOT NULL,
                country           text          NOT NULL,
                funder_name       text          NOT NULL,
                funder_kind       text          NOT NULL,
                year              int           NOT NULL,
                mechanism         text          NOT NULL,
                amount            numeric(14,2) NOT NULL,
                one_percent_water numeric(14,2),
                in_kind           boolean       NOT NULL,
                withdrawn         boolean       NOT NULL
            );
            CREATE INDEX funding_lines_year ON projections.funding_lines (year) WHERE NOT withdrawn;
            CREATE INDEX funding_lines_partnership ON projections.funding_lines (partnership_id);
            """),
    ];
}
