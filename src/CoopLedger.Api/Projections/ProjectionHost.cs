using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.ActionPlan;
using CoopLedger.Projections.Funding;
using CoopLedger.Projections.Partnerships;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Runs the projection daemons in the background: each waits for its leadership, so any number of instances can
/// run them. Resolved when the service starts (after migrations), since the embedded database starts first.
/// </summary>
public sealed class ProjectionHost(IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private AppendListener? _listener;
    private int _stopped;

    /// <summary>The daemons, once started.</summary>
    public IReadOnlyList<ProjectionDaemon> Daemons { get; private set; } = [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<PostgresEventStore>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        _listener = new AppendListener(dataSource, store.Signal);
        await _listener.StartAsync(cancellationToken);
        IProjection[] projections = [new FundingPerYearProjection(store), new ActivePartnershipsProjection(store), new ActionsPerChallengeProjection(store)];
        // Before the first request: every report then finds its tables, and a changed version is queued for rebuild.
        foreach (var projection in projections)
        {
            await ProjectionGenerations.EnsureServingAsync(dataSource, projection, cancellationToken);
        }

        Daemons = [.. projections.Select(projection => new ProjectionDaemon(dataSource, store.Types, projection, store.Signal))];
        _running.AddRange(Daemons.Select(daemon => Task.Run(() => daemon.RunAsync(_stop.Token), CancellationToken.None)));
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: a host may be stopped twice (the test host does), and the daemons stop only once.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(cancellationToken);
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stop.Dispose();
    }
}
