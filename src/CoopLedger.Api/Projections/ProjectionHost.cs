using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.Projections.ActionPlan;
using CoopLedger.Projections.Funding;
using CoopLedger.Projections.Partnerships;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Runs the projection daemons in the background: each waits for its leadership, so any number of instances can
/// run them. Resolved when the service starts (after migrations), since the embedded database starts first.
/// </summary>
public sealed partial class ProjectionHost(IServiceProvider services, ILogger<ProjectionHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    // The daemons apply their batches one at a time (ProjectionDaemon.Turns).
    private readonly SemaphoreSlim _turns = new(1, 1);
    private readonly BackgroundScheduler _folds = new("projection folds");
    private AppendListener? _listener;
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    /// <summary>
    /// The configuration key listing the projections applied inline, in each append's transaction (e.g.
    /// <c>Projections__Inline__0=funding_per_year</c>); the others are applied by their daemon, shortly after.
    /// </summary>
    public const string InlineSetting = "Projections:Inline";

    /// <summary>The daemons, once started.</summary>
    public IReadOnlyList<ProjectionDaemon> Daemons { get; private set; } = [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<PostgresEventStore>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        _listener = new AppendListener(dataSource, store.Signal);
        await _listener.StartAsync(cancellationToken);
        // The commands' stream cache: a batch then reads only the versions of its partnerships not read before.
        var histories = services.GetRequiredService<StreamCache>();
        IProjection[] projections =
            [new FundingPerYearProjection(store, histories), new ActivePartnershipsProjection(store, histories), new ActionsPerChallengeProjection(store, histories)];
        var inline = services.GetRequiredService<IConfiguration>().GetSection(InlineSetting).Get<string[]>() ?? [];
        if (inline.Except(projections.Select(p => p.Name), StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
        {
            throw new InvalidOperationException($"{InlineSetting} names no such projection: {string.Join(", ", unknown)}.");
        }

        // Before the first request: every report then finds its tables, and a changed version is queued for rebuild.
        foreach (var projection in projections)
        {
            await ProjectionGenerations.EnsureServingAsync(dataSource, projection, cancellationToken);
            if (inline.Contains(projection.Name, StringComparer.Ordinal))
            {
                store.Inline.Register(projection);
            }
        }

        Daemons = [.. projections.Select(projection => new ProjectionDaemon(store, projection) { Turns = _turns, Scheduler = _folds, Failed = Log })];
        _running.AddRange(Daemons.Select(daemon => Task.Run(() => daemon.RunAsync(_stop.Token), CancellationToken.None)));
    }

    private void Log(ProjectionFailure failure)
    {
        if (failure.Position is { } position)
        {
            LogStopped(logger, failure.Projection, position, failure.Error);
        }
        else
        {
            LogRebuildFailed(logger, failure.Projection, failure.Error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Projection {Projection} stopped on the event at position {Position}, which it cannot apply: it applies nothing more until it is rebuilt")]
    private static partial void LogStopped(ILogger logger, string projection, long position, Exception error);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Rebuilding projection {Projection} failed: the serving generation is untouched, and the next leader or start tries again")]
    private static partial void LogRebuildFailed(ILogger logger, string projection, Exception error);

    /// <inheritdoc />
    /// <remarks>
    /// Idempotent: a host may be stopped twice (the test host does), and disposed meanwhile. The daemons stop once, and
    /// every caller waits for that same stop, so nothing they use is disposed while a batch is under way.
    /// </remarks>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            _stopping ??= StopDaemonsAsync();
        }

        return _stopping.WaitAsync(cancellationToken);
    }

    private async Task StopDaemonsAsync()
    {
        await _stop.CancelAsync();
        // Bounded: a batch under way gets the daemons' shutdown grace, then is cut (its transaction rolls back).
        await Task.WhenAll(_running);
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Every stop waits for the daemons: none is left waiting for a turn on the disposed semaphore.
        await StopAsync(CancellationToken.None);
        _stop.Dispose();
        _turns.Dispose();
        _folds.Dispose();
    }
}
