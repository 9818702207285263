namespace CoopLedger.Domain.Partnerships;

/// <summary>The range of years the ledger accepts for programmes, postponements and funding.</summary>
public static class Years
{
    /// <summary>The first accepted year.</summary>
    public const int First = 1950;

    /// <summary>The last accepted year.</summary>
    public const int Last = 2100;

    /// <summary>Refuses a year outside <see cref="First"/>–<see cref="Last"/>.</summary>
    public static int Require(int year, string what) =>
        year is >= First and <= Last ? year : throw new CommandRefusedException("year-out-of-range", $"{what} {year} is outside {First}–{Last}.");
}
