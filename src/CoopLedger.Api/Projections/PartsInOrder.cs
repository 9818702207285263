using System.Collections.Immutable;

namespace CoopLedger.Api.Projections;

/// <summary>Where a partnership's part stands in an answer: by its order (ordinal), then by its id.</summary>
public readonly record struct PartPlace(string Order, Guid Partnership)
{
    /// <summary>
    /// By order, then by id as PostgreSQL orders uuids (byte by byte): .NET compares ids field by field as numbers, the same order.
    /// </summary>
    public static IComparer<PartPlace> InAnswerOrder { get; } = Comparer<PartPlace>.Create((x, y) =>
        string.CompareOrdinal(x.Order, y.Order) is var byOrder and not 0 ? byOrder : x.Partnership.CompareTo(y.Partnership));
}

/// <summary>The serialized parts of an answer, one per partnership, in the answer's order; immutable, so that an answer being written keeps its own.</summary>
public sealed class PartsInOrder
{
    private readonly ImmutableSortedDictionary<PartPlace, byte[]> _parts;
    private readonly ImmutableDictionary<Guid, PartPlace> _places;

    private PartsInOrder(ImmutableSortedDictionary<PartPlace, byte[]> parts, ImmutableDictionary<Guid, PartPlace> places) =>
        (_parts, _places) = (parts, places);

    /// <summary>No parts.</summary>
    public static PartsInOrder Empty { get; } =
        new(ImmutableSortedDictionary.Create<PartPlace, byte[]>(PartPlace.InAnswerOrder), ImmutableDictionary<Guid, PartPlace>.Empty);

    /// <summary>How many partnerships have a part.</summary>
    public int Count => _parts.Count;

    /// <summary>The parts in the answer's order (listed once: every answer written from these parts goes over them twice).</summary>
    public IReadOnlyList<byte[]> InOrder => _inOrder ??= [.. _parts.Values];

    private byte[][]? _inOrder;

    /// <summary>A builder starting from these parts.</summary>
    public Builder ToBuilder() => new(_parts.ToBuilder(), _places.ToBuilder());

    /// <summary>Parts being added and removed.</summary>
    public sealed class Builder
    {
        private readonly ImmutableSortedDictionary<PartPlace, byte[]>.Builder _parts;
        private readonly ImmutableDictionary<Guid, PartPlace>.Builder _places;

        internal Builder(ImmutableSortedDictionary<PartPlace, byte[]>.Builder parts, ImmutableDictionary<Guid, PartPlace>.Builder places) =>
            (_parts, _places) = (parts, places);

        /// <summary>Sets a partnership's part, wherever its place now is (an order such as a title can change).</summary>
        public void Set(PartPlace place, byte[] part)
        {
            Remove(place.Partnership);
            _parts[place] = part;
            _places[place.Partnership] = place;
        }

        /// <summary>Removes a partnership's part, if it has one.</summary>
        public void Remove(Guid partnership)
        {
            if (_places.TryGetValue(partnership, out var place))
            {
                _parts.Remove(place);
                _places.Remove(partnership);
            }
        }

        /// <summary>The parts as they now stand.</summary>
        public PartsInOrder ToImmutable() => new(_parts.ToImmutable(), _places.ToImmutable());
    }
}
