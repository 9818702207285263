using System.Globalization;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>
/// How long and how often: the short form CI runs by default, the long form with <c>RESILIENCE_SECONDS</c> (load per
/// phase) and <c>RESILIENCE_ROUNDS</c> (kills, restarts) set higher (docs/RELIABILITY.md).
/// </summary>
internal static class Scale
{
    public static TimeSpan Load => TimeSpan.FromSeconds(Setting("RESILIENCE_SECONDS", 3));

    public static int Rounds => Setting("RESILIENCE_ROUNDS", 1);

    public static int Clients => Setting("RESILIENCE_CLIENTS", 8);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
