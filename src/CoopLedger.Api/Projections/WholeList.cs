using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoopLedger.Api.Json;

namespace CoopLedger.Api.Projections;

/// <summary>The rows of the given partnerships (of every partnership when null) on a day as known at an instant, a partnership's together.</summary>
public delegate IAsyncEnumerable<TRow> PartnershipRows<TRow>(Guid[]? partnerships, DateOnly asOf, DateTimeOffset knownAt, CancellationToken cancellationToken);

/// <summary>A route answering every partnership's rows of a read model kept per partnership, as <see cref="PartnershipParts"/> keeps it.</summary>
public interface IWholeList
{
    /// <summary>The route's path: its request without a query (today's list) is the one <see cref="PartsWarming"/> keeps warm.</summary>
    string Route { get; }

    /// <summary>The projection whose tables the rows are read from.</summary>
    string Projection { get; }

    /// <summary>The query parameters that ask for less than the whole list as currently known (one partnership, a page, another instant).</summary>
    IReadOnlyList<string> NarrowedBy { get; }

    /// <summary>The list on a day, with nothing kept yet.</summary>
    KeptList KeptOn(DateOnly day, JsonSerializerOptions options);
}

/// <summary>
/// A route answering every partnership's rows of a read model kept per partnership (a <c>PartnershipReadModel</c>): its
/// path; the projection it reads; the query parameters that ask for less than the whole list as currently known
/// (<paramref name="NarrowedBy"/>); the answer on a day without rows given how many partnerships have some
/// (<paramref name="EmptyView"/>, whose property <paramref name="RowsProperty"/> is the empty list the rows go in); the
/// rows; the partnership of a row; and the order of the partnerships in the answer, by <paramref name="OrderOf"/> of
/// their first row then by id (by id alone when null). The rows of a partnership come together, in the order the answer
/// lists them.
/// </summary>
public sealed record WholeList<TRow>(string Route, string Projection, IReadOnlyList<string> NarrowedBy, Func<DateOnly, int, object> EmptyView, string RowsProperty,
    PartnershipRows<TRow> Rows, Func<TRow, Guid> PartnershipOf, Func<TRow, string>? OrderOf = null) : IWholeList
{
    /// <inheritdoc />
    public KeptList KeptOn(DateOnly day, JsonSerializerOptions options)
    {
        var rowsJson = (JsonTypeInfo<List<TRow>>)options.GetTypeInfo(typeof(List<TRow>));
        return new KeptList(Projection,
            (partnerships, into, knownAt, cancellationToken) => ReadAsync(Rows(partnerships, day, knownAt, cancellationToken), rowsJson, into, partnerships),
            parts => Answer(day, parts, options));
    }

    /// <summary><paramref name="into"/> with the parts of the partnerships <paramref name="replaced"/> replaced by those the rows make.</summary>
    private async Task<PartsInOrder> ReadAsync(IAsyncEnumerable<TRow> rows, JsonTypeInfo<List<TRow>> rowsJson, PartsInOrder into, IEnumerable<Guid>? replaced)
    {
        var parts = into.ToBuilder();
        foreach (var partnership in replaced ?? [])
        {
            parts.Remove(partnership);
        }

        var ofOne = new List<TRow>();
        var seen = new HashSet<Guid>();
        await foreach (var row in rows)
        {
            if (ofOne.Count > 0 && PartnershipOf(row) != PartnershipOf(ofOne[0]))
            {
                Set(parts, ofOne, rowsJson, seen);
            }

            ofOne.Add(row);
        }

        if (ofOne.Count > 0)
        {
            Set(parts, ofOne, rowsJson, seen);
        }

        return parts.ToImmutable();
    }

    /// <summary>A partnership's rows as the list's items (the serialized list without its brackets), where the answer lists them.</summary>
    private void Set(PartsInOrder.Builder parts, List<TRow> rows, JsonTypeInfo<List<TRow>> rowsJson, HashSet<Guid> seen)
    {
        if (!seen.Add(PartnershipOf(rows[0])))
        {
            throw new InvalidOperationException($"The rows of partnership {PartnershipOf(rows[0])} did not come together.");
        }

        parts.Set(new PartPlace(OrderOf?.Invoke(rows[0]) ?? "", PartnershipOf(rows[0])), JsonSerializer.SerializeToUtf8Bytes(rows, rowsJson)[1..^1]);
        rows.Clear();
    }

    /// <summary>The answer on a day: the empty view's JSON around the parts, inside its list of rows.</summary>
    private SplicedJson Answer(DateOnly day, PartsInOrder parts, JsonSerializerOptions options)
    {
        var empty = EmptyView(day, parts.Count);
        var view = JsonSerializer.SerializeToUtf8Bytes(empty, empty.GetType(), options);
        var (before, after) = SplicedJson.Around(view, options.PropertyNamingPolicy?.ConvertName(RowsProperty) ?? RowsProperty, "[]"u8.ToArray(), options)
            ?? throw new InvalidOperationException($"{empty.GetType().Name} has no empty {RowsProperty} to hold the rows.");
        return new SplicedJson([.. before, (byte)'['], parts.InOrder, [(byte)']', .. after]);
    }
}
