namespace CoopLedger.EventStore.Reading;

/// <summary>A <see cref="Memo{TKey, TValue}"/> per stream (a folded state, a timeline, a filtered history, an answer's bytes).</summary>
/// <typeparam name="TValue">What is kept per stream.</typeparam>
/// <param name="capacity">How much is kept, at most: by default a number of streams, or the sum of <paramref name="weight"/>.</param>
/// <param name="weight">How much a value counts against the capacity (by default 1: the capacity counts streams).</param>
public sealed class StreamMemo<TValue>(long capacity, Func<TValue, long>? weight = null) : Memo<Guid, TValue>(capacity, weight);
