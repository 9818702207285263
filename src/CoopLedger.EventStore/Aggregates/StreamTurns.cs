namespace CoopLedger.EventStore.Aggregates;

/// <summary>
/// One turn at a time per stream within this process: commands on the same stream, taken in turns, each decide on the
/// state the previous one left, instead of deciding at once and all but one losing at the append.
/// </summary>
/// <remarks>
/// An optimisation, not the guard: the database's version check still decides between writers of other processes.
/// Only streams with a command under way are tracked.
/// </remarks>
internal sealed class StreamTurns
{
    private readonly Dictionary<Guid, (SemaphoreSlim Turn, int Users)> _streams = [];

    /// <summary>Waits for the stream's turn; disposing the result hands it to the next command.</summary>
    public async Task<Turn> TakeAsync(Guid streamId, CancellationToken cancellationToken)
    {
        SemaphoreSlim turn;
        lock (_streams)
        {
            turn = _streams.TryGetValue(streamId, out var stream) ? stream.Turn : new SemaphoreSlim(1, 1);
            _streams[streamId] = (turn, stream.Users + 1);
        }

        try
        {
            await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(streamId);
            throw;
        }

        return new Turn(this, streamId, turn);
    }

    private void Leave(Guid streamId)
    {
        lock (_streams)
        {
            var (turn, users) = _streams[streamId];
            if (users == 1)
            {
                // Nobody waits for it: a semaphore never waited on through its wait handle holds nothing to release.
                _streams.Remove(streamId);
            }
            else
            {
                _streams[streamId] = (turn, users - 1);
            }
        }
    }

    /// <summary>A stream's turn, held until disposed (the default one is no turn at all).</summary>
    public readonly struct Turn(StreamTurns turns, Guid streamId, SemaphoreSlim turn) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            if (turn is null)
            {
                return;
            }

            turn.Release();
            turns.Leave(streamId);
        }
    }
}
