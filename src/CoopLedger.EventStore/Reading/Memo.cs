using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CoopLedger.EventStore.Reading;

/// <summary>
/// What a reader keeps per key between reads (per stream: a folded state, a timeline, an answer's bytes; per token: its
/// validation), up to a capacity: at that bound every one is forgotten at once, and each is worked out again at its next
/// read.
/// </summary>
/// <remarks>
/// Forgetting all at once costs nothing per read, which a least-recently-used order would; what it costs is one
/// refold per key read after the bound is reached.
/// </remarks>
/// <typeparam name="TKey">What values are kept by.</typeparam>
/// <typeparam name="TValue">What is kept per key.</typeparam>
/// <param name="capacity">How much is kept, at most: by default a number of keys, or the sum of <paramref name="weight"/>.</param>
/// <param name="weight">How much a value counts against the capacity (by default 1: the capacity counts keys).</param>
public class Memo<TKey, TValue>(long capacity, Func<TValue, long>? weight = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> _kept = new();

    // How much is kept, about: ConcurrentDictionary.Count takes every lock of the dictionary, and asking it on every keep
    // was 1.3% of the service's CPU under commands. Races between keeps, takes and a clear may leave this off by a few
    // values until the next clear, which only moves the bound by as much.
    private long _weight;

    /// <summary>The value kept for the key, if any.</summary>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value) => _kept.TryGetValue(key, out value);

    /// <summary>Takes the value kept for the key out, if any, so that no other reader uses it meanwhile.</summary>
    public bool TryTake(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (!_kept.TryRemove(key, out value))
        {
            return false;
        }

        Interlocked.Add(ref _weight, -WeightOf(value));
        return true;
    }

    /// <summary>Keeps a value for the key, in place of any kept before.</summary>
    public void Keep(TKey key, TValue value)
    {
        if (Volatile.Read(ref _weight) >= capacity)
        {
            _kept.Clear();
            Volatile.Write(ref _weight, 0);
        }

        while (true)
        {
            if (_kept.TryGetValue(key, out var before))
            {
                if (_kept.TryUpdate(key, value, before))
                {
                    Interlocked.Add(ref _weight, WeightOf(value) - WeightOf(before));
                    return;
                }
            }
            else if (_kept.TryAdd(key, value))
            {
                Interlocked.Add(ref _weight, WeightOf(value));
                return;
            }
        }
    }

    private long WeightOf(TValue value) => weight?.Invoke(value) ?? 1;
}
