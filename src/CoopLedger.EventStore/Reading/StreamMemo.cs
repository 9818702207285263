using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CoopLedger.EventStore.Reading;

/// <summary>
/// What a reader keeps per stream between reads (a folded state, a timeline, a filtered history), for at most a
/// number of streams: at that bound every one is forgotten at once, and each is worked out again at its next read.
/// </summary>
/// <remarks>
/// Forgetting all at once costs nothing per read, which a least-recently-used order would; what it costs is one
/// refold per stream read after the bound is reached.
/// </remarks>
/// <typeparam name="TValue">What is kept per stream.</typeparam>
/// <param name="capacity">How many streams' values are kept, at most.</param>
public sealed class StreamMemo<TValue>(int capacity)
{
    private readonly ConcurrentDictionary<Guid, TValue> _kept = new();

    // How many values are kept, about: ConcurrentDictionary.Count takes every lock of the dictionary, and asking it on
    // every keep was 1.3% of the service's CPU under commands. Races between keeps, takes and a clear may leave this a
    // few off until the next clear, which only moves the bound by as much.
    private int _count;

    /// <summary>The value kept for the stream, if any.</summary>
    public bool TryGet(Guid streamId, [MaybeNullWhen(false)] out TValue value) => _kept.TryGetValue(streamId, out value);

    /// <summary>Takes the value kept for the stream out, if any, so that no other reader uses it meanwhile.</summary>
    public bool TryTake(Guid streamId, [MaybeNullWhen(false)] out TValue value)
    {
        if (!_kept.TryRemove(streamId, out value))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Keeps a value for the stream, in place of any kept before.</summary>
    public void Keep(Guid streamId, TValue value)
    {
        if (Volatile.Read(ref _count) >= capacity)
        {
            _kept.Clear();
            Volatile.Write(ref _count, 0);
        }

        if (_kept.TryAdd(streamId, value))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            _kept[streamId] = value;
        }
    }
}
