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

    /// <summary>
    /// Refuses rows gathered for a table the projection does not declare: its writers write table by table, so such
    /// rows would otherwise be dropped without a word, and the projection would differ from its events.
    /// </summary>
    /// <exception cref="ArgumentException">A row's table is not among <paramref name="tables"/>.</exception>
    public void EnsureOnlyFor(IReadOnlyList<ProjectionTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var name in _rows.Keys)
        {
            if (!tables.Any(table => table.Name == name))
            {
                throw new ArgumentException($"Rows were gathered for the table '{name}', which the projection does not declare.", nameof(tables));
            }
        }
    }

    /// <summary>Forgets every row (after they were written).</summary>
    public void Clear()
    {
        _rows.Clear();
        Count = 0;
    }
}
