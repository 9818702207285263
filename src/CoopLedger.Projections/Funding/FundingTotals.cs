using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.History;
using CoopLedger.Projections.Partnerships;
using NpgsqlTypes;

namespace CoopLedger.Projections.Funding;

/// <summary>
/// Totals of the funding lines that stand (not withdrawn), kept by statement triggers on <c>funding_lines</c>: a report
/// over every year then adds up thousands of totals instead of scanning hundreds of thousands of lines. Two are kept:
/// <c>funding_totals</c> per year, funder kind, funder, country and mechanism, and <c>funding_partnership_totals</c>
/// per year and partnership. The triggers see each replacement's deleted and inserted lines as transition tables, so
/// a batch updates the totals in a few statements; a rebuild's load adds them up as it writes the lines.
/// </summary>
internal static class FundingTotals
{
    /// <summary>A kept total: its table and the columns of <c>funding_lines</c> it groups by (with their types).</summary>
    private sealed record Summary(string Table, params (string Name, string Type)[] GroupedBy)
    {
        public string Keys => string.Join(", ", GroupedBy.Select(c => c.Name));

        public ProjectionTable Definition { get; } = new(Table, GroupedBy[0].Name,
            [
                .. GroupedBy.Select(c => new ProjectionColumn(c.Name, c.Type)),
                new("amount", "numeric(16,2)"), new("one_percent_water", "numeric(16,2)"), new("lines", "integer"),
            ], [.. GroupedBy.Select(c => c.Name)], []);
    }

    private static readonly Summary[] Summaries =
    [
        new("funding_totals", ("year", "integer"), ("funder_kind", "text"), ("funder_name", "text"), ("country", "text"), ("mechanism", "text")),
        // The report grouped by partnership: 3,400 partnerships' totals of a year instead of 15,000 lines checked for
        // their days and known instants, after every move of the read model while an officer writes.
        new("funding_partnership_totals", ("year", "integer"), ("partnership_id", "uuid")),
    ];

    /// <summary>The totals' tables: a rebuild's load fills them (<see cref="StartLoad"/>), the triggers keep them.</summary>
    public static IEnumerable<ProjectionTable> Tables => Summaries.Select(s => s.Definition);

    /// <summary>The triggers keeping the totals, created once <c>funding_lines</c> in <paramref name="schema"/> holds its rows.</summary>
    /// <remarks>The function finds its tables through <c>TG_TABLE_SCHEMA</c>: its text must survive the rebuild's schema rename.</remarks>
    public static string Create(string schema) => $$"""
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

    /// <summary>Adds up the totals of the lines a rebuild's load writes, as the triggers' <see cref="Sums"/> would.</summary>
    /// <remarks>
    /// Added up by PostgreSQL after the load instead, they took 2.1-2.6 s and 0.8-1.1 s of its CPU at the end of every
    /// rebuild of the benchmark's log, where the scan of the lines alone takes 0.2 s (docs/BENCHMARKS.md, issue 5).
    /// </remarks>
    public static ILoadSummary StartLoad(ProjectionTable lines) => new LoadedTotals(lines);

    /// <summary>The trigger's statements taking removed lines out of a summary (and the totals left with no line).</summary>
    private static string Remove(Summary summary) => $$"""
        EXECUTE format($sql$
            UPDATE %I.{{summary.Table}} AS t
            SET amount = t.amount - r.amount, one_percent_water = t.one_percent_water - r.water, lines = t.lines - r.lines
            FROM ({{Sums(summary, "removed")}}) AS r ({{summary.Keys}}, amount, water, lines)
            WHERE ({{string.Join(", ", summary.GroupedBy.Select(c => $"t.{c.Name}"))}}) = ({{string.Join(", ", summary.GroupedBy.Select(c => $"r.{c.Name}"))}})
            $sql$, TG_TABLE_SCHEMA);
        EXECUTE format('DELETE FROM %I.{{summary.Table}} WHERE lines = 0', TG_TABLE_SCHEMA);
        """;

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

    /// <summary>The totals of a load, per summary and key (the grouped columns' values, compared value by value).</summary>
    private sealed class LoadedTotals : ILoadSummary
    {
        private readonly string _lines;
        private readonly int _amount;
        private readonly int _water;
        private readonly int _withdrawn;
        private readonly int _validity;
        private readonly (Summary Summary, int[] Columns, Dictionary<object?[], (decimal Amount, decimal Water, int Lines)> Totals)[] _summaries;

        public LoadedTotals(ProjectionTable lines)
        {
            _lines = lines.Name;
            (_amount, _water, _withdrawn, _validity) = (Column("amount"), Column("one_percent_water"), Column("withdrawn"), Column("validity"));
            _summaries = [.. Summaries.Select(s => (s, s.GroupedBy.Select(c => Column(c.Name)).ToArray(), new Dictionary<object?[], (decimal, decimal, int)>(RowValues.Comparer)))];

            int Column(string name) => lines.Columns.Select((c, i) => (c.Name, i)).Single(c => c.Name == name).i;
        }

        public void Add(KnownSpan span)
        {
            var values = span.Row.Values;
            // The lines that stand: known now, for good (their stretch of days has no end), and not withdrawn.
            if (span.Until is not null || span.Row.Table != _lines || (bool)values[_withdrawn]! || !((NpgsqlRange<DateOnly>)values[_validity]!).UpperBoundInfinite)
            {
                return;
            }

            var (amount, water) = ((decimal)values[_amount]!, (decimal?)values[_water] ?? 0m);
            foreach (var (_, columns, totals) in _summaries)
            {
                var key = new object?[columns.Length];
                for (var i = 0; i < columns.Length; i++)
                {
                    key[i] = values[columns[i]];
                }

                totals[key] = totals.TryGetValue(key, out var total) ? (total.Amount + amount, total.Water + water, total.Lines + 1) : (amount, water, 1);
            }
        }

        public void AddRowsTo(ProjectionRows rows)
        {
            foreach (var (summary, _, totals) in _summaries)
            {
                foreach (var (key, total) in totals)
                {
                    rows.Add(summary.Table, [.. key, total.Amount, total.Water, total.Lines]);
                }
            }
        }
    }
}
