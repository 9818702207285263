using System.Diagnostics;
using System.Net.Http.Headers;
using CoopLedger.Api.Security;
using CoopLedger.Bench.Http;

namespace CoopLedger.Bench.Projections;

/// <summary>
/// An officer writing at a steady rate while the reports are timed, so that the projections move between requests as
/// they do while a service is in use: partnerships registered for the run, then the HTTP benchmark's command mix on them.
/// Under the service's default rate limit for one token (50 commands/s).
/// </summary>
internal sealed class OfficerWrites : IAsyncDisposable
{
    public const int PerSecond = 40;
    private const int Partnerships = 50;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task<(int Written, int Refused, TimeSpan Elapsed)> _writing;

    private OfficerWrites(LoadClient http, AuthenticationHeaderValue officer, IReadOnlyList<SeededPartnership> pool) =>
        _writing = WriteAsync(http, officer, new CommandMix(pool), _stop.Token);

    /// <summary>Registers the officer's partnerships, then writes until stopped.</summary>
    public static async Task<OfficerWrites> StartAsync(ServiceProcess service, LoadClient http)
    {
        var officer = new AuthenticationHeaderValue("Bearer",
            service.Tokens.Issue(new TokenRequest("bench-officer", [Roles.Officer], [CommandMix.Siren], TimeSpan.FromHours(12))));
        var pool = await PartnershipPool.SeedAsync(http, officer, Partnerships);
        await service.CaughtUpAsync();
        return new OfficerWrites(http, officer, pool);
    }

    /// <summary>Stops writing: the commands answered 2xx, those answered otherwise, and over how long.</summary>
    public async Task<(int Written, int Refused, TimeSpan Elapsed)> StopAsync()
    {
        await _stop.CancelAsync();
        return await _writing;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private static async Task<(int, int, TimeSpan)> WriteAsync(LoadClient http, AuthenticationHeaderValue officer, CommandMix mix, CancellationToken stop)
    {
        var random = new Random(42);
        var clock = Stopwatch.StartNew();
        var (written, refused) = (0, 0);
        while (!stop.IsCancellationRequested)
        {
            var (status, _) = await http.SendAsync(mix.Next(random), officer);
            _ = status is >= 200 and < 300 ? written++ : refused++;
            // On schedule rather than a pause after each: a slow answer is caught up, the rate stays the rate.
            var due = TimeSpan.FromSeconds((double)(written + refused) / PerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return (written, refused, clock.Elapsed);
    }
}
