using System.Diagnostics;
using System.Globalization;

namespace CoopLedger.Bench;

/// <summary>
/// CPU time spent by the service, by PostgreSQL and by the benchmark itself (the load's clients) over a stretch of the benchmark. On a shared, noisy host requests
/// per second swing with the neighbours; CPU per request does much less, so a change is judged by it.
/// </summary>
internal sealed class CpuMeter(Process service)
{
    /// <summary>Linux reports process times in clock ticks of 1/100 s.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// The service's, PostgreSQL's (every process named <c>postgres</c>: the benchmark's cluster) and the benchmark's
    /// own CPU time so far: the clients share the machine's two cores with the other two.
    /// </summary>
    public (TimeSpan Service, TimeSpan Postgres, TimeSpan Client) Now()
    {
        service.Refresh();
        using var client = Process.GetCurrentProcess();
        return (service.TotalProcessorTime, TimeSpan.FromSeconds(PostgresTicks() / TicksPerSecond), client.TotalProcessorTime);
    }

    private static long PostgresTicks()
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                // /proc/PID/stat: "pid (comm) state ..." — utime and stime are the 14th and 15th fields, cutime and
                // cstime (children that ended: the postmaster's backends whose connections closed) the 16th and 17th.
                // Without them a backend ending during a run took its time with it, and a run could count less
                // PostgreSQL time at its end than at its start.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal))
                {
                    continue;
                }

                var fields = stat[(close + 2)..].Split(' ');
                ticks += fields[11..15].Sum(field => long.Parse(field, CultureInfo.InvariantCulture));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
            {
                // Not a process, or it ended while being read.
            }
        }

        return ticks;
    }
}

/// <summary>CPU milliseconds per request of a level, its projections' catching up included.</summary>
internal sealed record CpuPerRequest(double ServiceMilliseconds, double PostgresMilliseconds, double ClientMilliseconds);
