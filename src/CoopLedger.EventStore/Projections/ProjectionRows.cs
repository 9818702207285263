namespace CoopLedger.EventStore.Projections;

/// <summary>Rows a projection produced, per table, waiting to be written in one go.</summary>
public sealed class ProjectionRows
{
    private readonly Dictionary<string, List<object?[]>> _rows = new(StringComparer.Ordinal);

    /// <summary>How many rows are waiting, over all tables.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a row, its values in the table's column order (null for SQL NULL).</summary>
    public void Add(string table, params object?[] values)
    {
        if (!_rows.TryGetValue(table, out var rows))
        {
            _rows[table] = rows = [];
        }

        rows.Add(values);
        Count++;
    }

    /// <summary>The rows waiting for a table.</summary>
    public IReadOnlyList<object?[]> Of(string table) => _rows.TryGetValue(table, out var rows) ? rows : [];

    /// <summary>Forgets every row (after they were written).</summary>
    public void Clear()
    {
        _rows.Clear();
        Count = 0;
    }
}
