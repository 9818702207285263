namespace CoopLedger.Projections.Funding;

/// <summary>
/// Totals of the funding lines that stand (not withdrawn), kept by statement triggers on <c>funding_lines</c>: a report
/// over every year then adds up thousands of totals instead of scanning hundreds of thousands of lines. Two are kept:
/// <c>funding_totals</c> per year, funder kind, funder, country and mechanism, and <c>funding_partnership_totals</c>
/// per year and partnership. The triggers see each replacement's deleted and inserted lines as transition tables, so
/// a batch updates the totals in a few statements; a rebuild adds them up once after its load.
/// </summary>
internal static class FundingTotals
{
    /// <summary>A kept total: its table and the columns of <c>funding_lines</c> it groups by (with their types).</summary>
    private sealed record Summary(string Table, params (string Name, string Type)[] GroupedBy)
    {
        public string Keys => string.Join(", ", GroupedBy.Select(c => c.Name));
    }

    private static readonly Summary[] Summaries =
    [
        new("funding_totals", ("year", "integer"), ("funder_kind", "text"), ("funder_name", "text"), ("country", "text"), ("mechanism", "text")),
        // The report grouped by partnership: 3,400 partnerships' totals of a year instead of 15,000 lines checked for
        // their days and known instants (23 ms at the median on the benchmark's log, run again after every move of the
        // read model while an officer writes).
        new("funding_partnership_totals", ("year", "integer"), ("partnership_id", "uuid")),
    ];

    /// <summary>The DDL, run once <c>funding_lines</c> in <paramref name="schema"/> holds its rows.</summary>
    /// <remarks>The function finds its tables through <c>TG_TABLE_SCHEMA</c>: its text must survive the rebuild's schema rename.</remarks>
    public static string Create(string schema) => $$"""
        {{string.Join("\n", Summaries.Select(s => $"""
            CREATE TABLE {schema}.{s.Table} (
                {string.Join(", ", s.GroupedBy.Select(c => $"{c.Name} {c.Type} NOT NULL"))},
                amount numeric(16,2) NOT NULL, one_percent_water numeric(16,2) NOT NULL, lines integer NOT NULL,
                PRIMARY KEY ({s.Keys})
            );
            INSERT INTO {schema}.{s.Table} {Sums(s, $"{schema}.funding_lines")};
            """))}}

        CREATE FUNCTION {{schema}}.count_funding_lines() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                {{string.Join("\n", Summaries.Select(Remove))}}
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {{string.Join("\n", Summaries.Select(Add))}}
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

    /// <summary>
    /// The trigger's statements taking removed lines out of a summary, then the totals left with no line among those
    /// touched (by key: a summary per partnership holds tens of thousands of totals, too many to scan at every batch).
    /// </summary>
    private static string Remove(Summary summary) => $$"""
        EXECUTE format($sql$
            UPDATE %I.{{summary.Table}} AS t
            SET amount = t.amount - r.amount, one_percent_water = t.one_percent_water - r.water, lines = t.lines - r.lines
            FROM ({{Sums(summary, "removed")}}) AS r ({{summary.Keys}}, amount, water, lines)
            WHERE {{SameKeys(summary, "t", "r")}}
            $sql$, TG_TABLE_SCHEMA);
        EXECUTE format($sql$
            DELETE FROM %I.{{summary.Table}} AS t USING (SELECT DISTINCT {{summary.Keys}} FROM removed) AS r
            WHERE {{SameKeys(summary, "t", "r")}} AND t.lines = 0
            $sql$, TG_TABLE_SCHEMA);
        """;

    /// <summary>The condition that two aliases' rows have the same key in a summary.</summary>
    private static string SameKeys(Summary summary, string left, string right) =>
        $"({string.Join(", ", summary.GroupedBy.Select(c => $"{left}.{c.Name}"))}) = ({string.Join(", ", summary.GroupedBy.Select(c => $"{right}.{c.Name}"))})";

    /// <summary>The trigger's statement adding added lines to a summary.</summary>
    private static string Add(Summary summary) => $$"""
        EXECUTE format($sql$
            INSERT INTO %I.{{summary.Table}} AS t {{Sums(summary, "added")}}
            ON CONFLICT ({{summary.Keys}}) DO UPDATE
            SET amount = t.amount + excluded.amount, one_percent_water = t.one_percent_water + excluded.one_percent_water,
                lines = t.lines + excluded.lines
            $sql$, TG_TABLE_SCHEMA);
        """;

    /// <summary>The totals of the lines that stand (as now known, and for good: no later change known), in the summary's columns' order.</summary>
    private static string Sums(Summary summary, string lines) =>
        $"SELECT {summary.Keys}, sum(amount), coalesce(sum(one_percent_water), 0), count(*) FROM {lines} "
        + $"WHERE NOT withdrawn AND upper_inf(known) AND upper_inf(validity) GROUP BY {summary.Keys}";
}
