using System.Diagnostics;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Keeps the whole lists dashboards open with warm (<see cref="PartnershipParts"/>): today's as soon as the projections
/// serve, again as soon as a rebuild swaps new tables in, and tomorrow's in the day's last minutes, so that the first
/// request after midnight finds it ready. Read whole, the unpaged actions report of 10,000 partnerships takes about
/// half a second: without the warm-up the first request of each day, after each start and after each rebuild waited
/// for it. The service is ready once the first pass is through (<see cref="WholeListsReadinessCheck"/>).
/// </summary>
public sealed partial class PartsWarming(IServiceProvider services, TimeProvider clock, ILogger<PartsWarming> logger) : BackgroundService
{
    /// <summary>How often the lists are looked at: a projection's standing is one small shared query.</summary>
    private static readonly TimeSpan Pass = TimeSpan.FromSeconds(1);

    /// <summary>How long before midnight (the service's clock, UTC, as <c>asOf</c>'s default) tomorrow's lists are kept warm too.</summary>
    private static readonly TimeSpan BeforeMidnight = TimeSpan.FromMinutes(10);

    /// <summary>While passes keep failing, how often it is logged again.</summary>
    private static readonly TimeSpan LogAgainAfter = TimeSpan.FromMinutes(5);

    private volatile bool _firstPassDone;

    /// <summary>
    /// Whether a pass has been through every list (readiness waits for it: the first requests would otherwise wait for
    /// the lists). One that failed counts: requests then read for themselves, as they would without the warm-up.
    /// </summary>
    public bool FirstPassDone => _firstPassDone;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, once the host has started the database its data source needs.
        var parts = services.GetRequiredService<PartnershipParts>();
        var lists = services.GetServices<IWholeList>().ToList();
        using var timer = new PeriodicTimer(Pass);
        long? loggedAt = null;
        do
        {
            try
            {
                await parts.KeepWarmAsync(WarmNow(lists), stoppingToken);
                loggedAt = null;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A warm-up only saves requests time: whatever fails a pass (the database gone), requests read for themselves and the next pass tries again.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                // Once when passes start failing, then every few minutes while they go on: not once a second.
                if (loggedAt is not { } at || Stopwatch.GetElapsedTime(at) >= LogAgainAfter)
                {
                    LogFailedPass(logger, failure);
                    loggedAt = Stopwatch.GetTimestamp();
                }
            }

            _firstPassDone = true;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>The lists to keep warm now: each on today, and on tomorrow too in the day's last minutes.</summary>
    private List<(IWholeList, DateOnly)> WarmNow(List<IWholeList> lists)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        DateOnly[] days = now.TimeOfDay >= TimeSpan.FromDays(1) - BeforeMidnight ? [today, today.AddDays(1)] : [today];
        return [.. lists.SelectMany(list => days.Select(day => (list, day)))];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping the whole lists warm failed: requests read them for themselves meanwhile, and the next pass tries again")]
    private static partial void LogFailedPass(ILogger logger, Exception failure);
}
