using System.Globalization;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>
/// What a scenario checked, in plain lines: to the test output, and appended to the file named by
/// <c>RESILIENCE_REPORT</c> (CI prints it), so that a green run says what it proved.
/// </summary>
internal static class Report
{
    public static void Line(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"[{TestContext.Current.Test?.TestDisplayName.Split('.')[^1]}] {text}");
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("RESILIENCE_REPORT") is { Length: > 0 } file)
        {
            lock (typeof(Report))
            {
                File.AppendAllText(file, line + Environment.NewLine);
            }
        }
    }
}
