using System.Threading.Channels;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Writes batches of new rows through a target one after another, in the background, while the caller makes the next
/// batch: a rebuild then folds histories on one core while the batch before is encoded and copied into PostgreSQL on
/// the other. Written in line, the two took turns, and a rebuild alone kept about one of the two cores busy. One batch
/// at most waits while another is written, so a rebuild holds two batches at a time, not more.
/// </summary>
public sealed class BackgroundRowWriter : IAsyncDisposable
{
    private readonly Channel<ProjectionRows> _batches = Channel.CreateBounded<ProjectionRows>(1);
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenSource _stop;
    private readonly Task _writing;

    /// <param name="target">Where the rows go (its connection is the writer's alone until the writer is done).</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    public BackgroundRowWriter(ProjectionTarget target, CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _writing = Task.Run(() => WriteAllAsync(target, _stop.Token), CancellationToken.None);
    }

    /// <summary>Hands a batch over, waiting while another already waits; the batch is the writer's from then on.</summary>
    public async Task WriteAsync(ProjectionRows rows)
    {
        try
        {
            await _batches.Writer.WriteAsync(rows, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_cancellation.IsCancellationRequested)
        {
            // Stopped because a write failed: that failure, not the cancellation, is the caller's to see.
            await _writing.ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until every batch handed over is written; throws what made a write fail.</summary>
    public async Task CompleteAsync()
    {
        _batches.Writer.Complete();
        await _writing.ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Without <see cref="CompleteAsync"/> (the caller failed), stops the writing and waits for it to end.</remarks>
    public async ValueTask DisposeAsync()
    {
        _batches.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        // Awaited without throwing: whatever it failed with has been thrown to the caller already, or is moot.
        await Task.WhenAny(_writing).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WriteAllAsync(ProjectionTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var rows in _batches.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await target.ReplaceAsync(Array.Empty<Guid>(), rows, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // The caller may be waiting to hand the next batch over: it stops waiting, and sees this failure.
            await _stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }
}
