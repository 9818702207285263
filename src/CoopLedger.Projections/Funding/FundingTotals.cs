namespace CoopLedger.Projections.Funding;

/// <summary>
/// Totals of the funding lines that stand (not withdrawn) per year, funder kind, funder, country and mechanism, kept
/// by statement triggers on <c>funding_lines</c>: a report over every year then adds up thousands of totals instead
/// of scanning hundreds of thousands of lines. The triggers see each replacement's deleted and inserted lines as
/// transition tables, so a batch updates the totals in a few statements; a rebuild adds them up once after its load.
/// </summary>
internal static class FundingTotals
{
    /// <summary>The DDL, run once <c>funding_lines</c> in <paramref name="schema"/> holds its rows.</summary>
    /// <remarks>The function finds its tables through <c>TG_TABLE_SCHEMA</c>: its text must survive the rebuild's schema rename.</remarks>
    public static string Create(string schema) => $$"""
        CREATE TABLE {{schema}}.funding_totals (
            year              integer       NOT NULL,
            funder_kind       text          NOT NULL,
            funder_name       text          NOT NULL,
            country           text          NOT NULL,
            mechanism         text          NOT NULL,
            amount            numeric(16,2) NOT NULL,
            one_percent_water numeric(16,2) NOT NULL,
            lines             integer       NOT NULL,
            PRIMARY KEY (year, funder_kind, funder_name, country, mechanism)
        );
        INSERT INTO {{schema}}.funding_totals {{Sums($"{schema}.funding_lines")}};

        CREATE FUNCTION {{schema}}.count_funding_lines() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                EXECUTE format($sql$
                    UPDATE %I.funding_totals AS t
                    SET amount = t.amount - r.amount, one_percent_water = t.one_percent_water - r.water, lines = t.lines - r.lines
                    FROM ({{Sums("removed")}}) AS r (year, funder_kind, funder_name, country, mechanism, amount, water, lines)
                    WHERE (t.year, t.funder_kind, t.funder_name, t.country, t.mechanism) = (r.year, r.funder_kind, r.funder_name, r.country, r.mechanism)
                    $sql$, TG_TABLE_SCHEMA);
                EXECUTE format('DELETE FROM %I.funding_totals WHERE lines = 0', TG_TABLE_SCHEMA);
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                EXECUTE format($sql$
                    INSERT INTO %I.funding_totals AS t {{Sums("added")}}
                    ON CONFLICT (year, funder_kind, funder_name, country, mechanism) DO UPDATE
                    SET amount = t.amount + excluded.amount, one_percent_water = t.one_percent_water + excluded.one_percent_water,
                        lines = t.lines + excluded.lines
                    $sql$, TG_TABLE_SCHEMA);
            END IF;
            RETURN NULL;
        END
        $body$;

        CREATE TRIGGER lines_added AFTER INSERT ON {{schema}}.funding_lines
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.count_funding_lines();
        CREATE TRIGGER lines_changed AFTER UPDATE ON {{schema}}.funding_lines
            REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.count_funding_lines();
        CREATE TRIGGER lines_removed AFTER DELETE ON {{schema}}.funding_lines
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.count_funding_lines();
        """;

    /// <summary>The totals of the lines that stand (as now known, and for good: no later change known), in the columns' order.</summary>
    private static string Sums(string lines) =>
        $"SELECT year, funder_kind, funder_name, country, mechanism, sum(amount), coalesce(sum(one_percent_water), 0), count(*) FROM {lines} "
        + "WHERE NOT withdrawn AND upper_inf(known) AND upper_inf(validity) GROUP BY 1, 2, 3, 4, 5";
}
