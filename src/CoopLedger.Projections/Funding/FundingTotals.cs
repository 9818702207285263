namespace CoopLedger.Projections.Funding;

/// <summary>
/// Totals of the funding lines that stand (not withdrawn) per year and grouping, kept by statement triggers on
/// <c>funding_lines</c>: a report over every year then adds up thousands of totals instead of scanning hundreds of
/// thousands of lines. Two are kept: per funder kind, funder, country and mechanism (<c>funding_totals</c>, which every
/// grouping but the partnership's adds up), and per partnership (<c>funding_partnership_totals</c>: a year's 10,000
/// partnerships read off it, not off 40,000 lines, which each command moving the projection made the next request
/// read again). The triggers see each replacement's deleted and inserted lines as transition tables, so a batch updates
/// the totals in a few statements; a rebuild adds them up once after its load.
/// </summary>
internal static class FundingTotals
{
    /// <summary>Each totals table and the columns of its grouping (after the year), with their types.</summary>
    private static readonly (string Table, (string Name, string Type)[] Keys)[] Kept =
    [
        ("funding_totals", [("funder_kind", "text"), ("funder_name", "text"), ("country", "text"), ("mechanism", "text")]),
        ("funding_partnership_totals", [("partnership_id", "uuid")]),
    ];

    /// <summary>The DDL, run once <c>funding_lines</c> in <paramref name="schema"/> holds its rows.</summary>
    /// <remarks>The function finds its tables through <c>TG_TABLE_SCHEMA</c>: its text must survive the rebuild's schema rename.</remarks>
    public static string Create(string schema) => $$"""
        {{string.Concat(Kept.Select(k => Table(schema, k.Table, k.Keys)))}}
        CREATE FUNCTION {{schema}}.count_funding_lines() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {{string.Concat(Kept.Select(k => Remove(k.Table, Names(k.Keys))))}}
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {{string.Concat(Kept.Select(k => AddTo(k.Table, Names(k.Keys))))}}
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

    private static string Names((string Name, string Type)[] keys) => string.Join(", ", keys.Select(k => k.Name));

    /// <summary>A totals table, filled from the lines.</summary>
    private static string Table(string schema, string table, (string Name, string Type)[] keys) => $"""
        CREATE TABLE {schema}.{table} (
            year              integer       NOT NULL,
            {string.Concat(keys.Select(k => $"{k.Name} {k.Type} NOT NULL, "))}
            amount            numeric(16,2) NOT NULL,
            one_percent_water numeric(16,2) NOT NULL,
            lines             integer       NOT NULL,
            PRIMARY KEY (year, {Names(keys)})
        );
        INSERT INTO {schema}.{table} {Sums($"{schema}.funding_lines", Names(keys))};

        """;

    /// <summary>The trigger's statements taking the removed lines off a totals table.</summary>
    private static string Remove(string table, string keys) => $$"""
        EXECUTE format($sql$
                    UPDATE %I.{{table}} AS t
                    SET amount = t.amount - r.amount, one_percent_water = t.one_percent_water - r.water, lines = t.lines - r.lines
                    FROM ({{Sums("removed", keys)}}) AS r (year, {{keys}}, amount, water, lines)
                    WHERE (t.year, {{Prefixed("t", keys)}}) = (r.year, {{Prefixed("r", keys)}})
                    $sql$, TG_TABLE_SCHEMA);
                EXECUTE format('DELETE FROM %I.{{table}} WHERE lines = 0', TG_TABLE_SCHEMA);

        """;

    /// <summary>The trigger's statement adding the added lines to a totals table.</summary>
    private static string AddTo(string table, string keys) => $$"""
        EXECUTE format($sql$
                    INSERT INTO %I.{{table}} AS t {{Sums("added", keys)}}
                    ON CONFLICT (year, {{keys}}) DO UPDATE
                    SET amount = t.amount + excluded.amount, one_percent_water = t.one_percent_water + excluded.one_percent_water,
                        lines = t.lines + excluded.lines
                    $sql$, TG_TABLE_SCHEMA);

        """;

    private static string Prefixed(string alias, string keys) => string.Join(", ", keys.Split(", ").Select(k => $"{alias}.{k}"));

    /// <summary>The totals of the lines that stand (as now known, and for good: no later change known), in the columns' order.</summary>
    private static string Sums(string lines, string keys) =>
        $"SELECT year, {keys}, sum(amount), coalesce(sum(one_percent_water), 0), count(*) FROM {lines} "
        + $"WHERE NOT withdrawn AND upper_inf(known) AND upper_inf(validity) GROUP BY year, {keys}";
}
