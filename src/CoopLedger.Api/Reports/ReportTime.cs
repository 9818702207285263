using CoopLedger.Domain.Partnerships;

namespace CoopLedger.Api.Reports;

/// <summary>
/// The two time axes of a report: <c>asOf</c>, the day the real world is described at (default today), and
/// <c>knownAt</c>, the instant whose knowledge is used (default now). Rows match with
/// <c>validity @&gt; asOf AND known @&gt; knownAt</c>.
/// </summary>
public sealed record ReportTime(DateOnly AsOf, DateTimeOffset KnownAt)
{
    /// <summary>The SQL condition on a table (alias) for the parameters numbered <paramref name="asOf"/> and <paramref name="knownAt"/>.</summary>
    public static string Matches(string alias, int asOf, int knownAt) => $"{alias}.validity @> ${asOf}::date AND {alias}.known @> ${knownAt}::timestamptz";

    /// <summary>
    /// The same condition for a table reached by its key (the inner side of a join, a correlated subquery), written so
    /// that the bitemporal GiST index cannot serve it: PostgreSQL estimates one row for a range match on a table it has
    /// not analysed yet (a fresh or rebuilt read model), and would scan that index once per outer row — 30 s instead
    /// of 3 ms for 2,000 active partnerships. By key, each outer row costs one btree lookup.
    /// </summary>
    public static string MatchesByKey(string alias, int asOf, int knownAt) =>
        $"(lower_inf({alias}.validity) OR lower({alias}.validity) <= ${asOf}::date) AND (upper_inf({alias}.validity) OR upper({alias}.validity) > ${asOf}::date) "
        + $"AND (lower_inf({alias}.known) OR lower({alias}.known) <= ${knownAt}::timestamptz) AND (upper_inf({alias}.known) OR upper({alias}.known) > ${knownAt}::timestamptz)";

    /// <summary>Validates the query's values, adding an error per field at fault; null when any is.</summary>
    public static ReportTime? From(DateOnly? asOf, DateTimeOffset? knownAt, TimeProvider clock, IDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(errors);
        var now = clock.GetUtcNow();
        var day = asOf ?? DateOnly.FromDateTime(now.UtcDateTime);
        if (day.Year is < Years.First or > Years.Last)
        {
            errors["asOf"] = [$"A date from {Years.First} to {Years.Last}."];
        }

        if (knownAt is { } known && (known.Year < Years.First || known > now.AddDays(1)))
        {
            errors["knownAt"] = [$"An instant with its offset, from {Years.First} to now."];
        }

        return errors.Count > 0 ? null : new ReportTime(day, (knownAt ?? now).ToUniversalTime());
    }
}
