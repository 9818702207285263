using System.Globalization;

namespace CoopLedger.Api.Commands;

/// <summary>Money on the wire: a string in euros with two decimals, so that no client loses cents (API.md).</summary>
public static class Euros
{
    /// <summary>Formats an amount, e.g. <c>17100.00</c>.</summary>
    public static string Format(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
