using System.Collections;
using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.Reading;

/// <summary>
/// Events in order, unchanging, that grow without being copied: each history is its first <see cref="Count"/>
/// entries of a buffer it shares with the longer histories grown from it, and a history that ends where its buffer's
/// entries end grows into the buffer's spare room. Only a history grown from an older one, or a full buffer, copies.
/// </summary>
/// <remarks>
/// A cached stream gains an append every few commands; copying its whole history each time (an immutable array's
/// <c>AddRange</c>) was 6–9% of the bytes the service allocated under commands, in histories kept for a while and then
/// replaced, the kind that makes the garbage collector's pauses long. Entries are never written over:
/// a buffer's entries up to its fill are fixed, and every history of it ends at or before that fill.
/// </remarks>
public sealed class GrowingHistory : IList<RecordedEvent>, IReadOnlyList<RecordedEvent>
{
    private readonly Buffer _buffer;

    private GrowingHistory(Buffer buffer, int count) => (_buffer, Count) = (buffer, count);

    /// <summary>No events.</summary>
    public static GrowingHistory Empty { get; } = new(new Buffer([]), 0);

    /// <inheritdoc cref="IReadOnlyCollection{T}.Count" />
    public int Count { get; }

    /// <summary>The last event's version, 0 when there is none.</summary>
    public long LastVersion => Count == 0 ? 0 : this[Count - 1].Version;

    /// <inheritdoc cref="IReadOnlyList{T}.this" />
    public RecordedEvent this[int index] =>
        (uint)index < (uint)Count ? _buffer.Entries[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>This history followed by <paramref name="newer"/>.</summary>
    public GrowingHistory Append(IReadOnlyList<RecordedEvent> newer)
    {
        ArgumentNullException.ThrowIfNull(newer);
        if (newer.Count == 0)
        {
            return this;
        }

        var count = Count + newer.Count;
        lock (_buffer)
        {
            // Only the history that ends at the fill may write past it: its entries are nobody else's yet.
            if (_buffer.Filled == Count && count <= _buffer.Entries.Length)
            {
                CopyInto(_buffer.Entries, newer, Count);
                _buffer.Filled = count;
                return new(_buffer, count);
            }
        }

        var entries = new RecordedEvent[Math.Max(8, count * 2)];
        Array.Copy(_buffer.Entries, entries, Count);
        CopyInto(entries, newer, Count);
        return new(new Buffer(entries) { Filled = count }, count);
    }

    /// <summary>Its first <paramref name="count"/> events, without a copy.</summary>
    public GrowingHistory Take(int count) =>
        count >= Count ? this : new(_buffer, Math.Max(0, count));

    /// <inheritdoc />
    public IEnumerator<RecordedEvent> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _buffer.Entries[i];
        }
    }

    /// <inheritdoc />
    public int IndexOf(RecordedEvent item) => Array.IndexOf(_buffer.Entries, item, 0, Count);

    /// <inheritdoc />
    public bool Contains(RecordedEvent item) => IndexOf(item) >= 0;

    /// <inheritdoc />
    public void CopyTo(RecordedEvent[] array, int arrayIndex) => Array.Copy(_buffer.Entries, 0, array, arrayIndex, Count);

    /// <inheritdoc />
    bool ICollection<RecordedEvent>.IsReadOnly => true;

    /// <inheritdoc />
    RecordedEvent IList<RecordedEvent>.this[int index]
    {
        get => this[index];
        set => throw new NotSupportedException();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void IList<RecordedEvent>.Insert(int index, RecordedEvent item) => throw new NotSupportedException();

    void IList<RecordedEvent>.RemoveAt(int index) => throw new NotSupportedException();

    void ICollection<RecordedEvent>.Add(RecordedEvent item) => throw new NotSupportedException();

    void ICollection<RecordedEvent>.Clear() => throw new NotSupportedException();

    bool ICollection<RecordedEvent>.Remove(RecordedEvent item) => throw new NotSupportedException();

    private static void CopyInto(RecordedEvent[] entries, IReadOnlyList<RecordedEvent> newer, int at)
    {
        for (var i = 0; i < newer.Count; i++)
        {
            entries[at + i] = newer[i];
        }
    }

    /// <summary>Entries shared by histories, filled up to <see cref="Filled"/> (changed under the buffer's lock).</summary>
    private sealed class Buffer(RecordedEvent[] entries)
    {
        public RecordedEvent[] Entries { get; } = entries;

        public int Filled { get; set; }
    }
}
