using NpgsqlTypes;

namespace CoopLedger.Projections.History;

/// <summary>Ranges of days as the read models store them (PostgreSQL <c>daterange</c>).</summary>
public static class DayRanges
{
    /// <summary>From a day on, with no end.</summary>
    public static NpgsqlRange<DateOnly> Since(DateOnly from) => new(from, true, false, default, false, true);

    /// <summary>From a day up to another, that one excluded.</summary>
    public static NpgsqlRange<DateOnly> Until(DateOnly from, DateOnly excluded) => new(from, true, excluded, false);

    /// <summary>From a day through another, that one included; with no end when there is none.</summary>
    public static NpgsqlRange<DateOnly> Through(DateOnly from, DateOnly? included) =>
        included is { } to ? new(from, true, to, true) : Since(from);
}
