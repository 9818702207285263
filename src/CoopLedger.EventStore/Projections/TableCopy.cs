using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>A binary COPY into one of a projection's tables: its rows' values in the table's column order.</summary>
internal sealed class TableCopy : IAsyncDisposable
{
    private readonly ProjectionTable _table;
    private readonly NpgsqlBinaryImporter _copy;

    // Once per copy, not per value: a type with a modifier (numeric(14,2)) is cut into a new string each time.
    private readonly string[] _types;

    private TableCopy(ProjectionTable table, NpgsqlBinaryImporter copy)
    {
        (_table, _copy) = (table, copy);
        _types = [.. table.Columns.Select(c => c.DataTypeName)];
    }

    /// <summary>Starts a COPY into <paramref name="table"/> of <paramref name="schema"/> on the connection (which it holds until completed or disposed).</summary>
    public static async Task<TableCopy> BeginAsync(NpgsqlConnection connection, string schema, ProjectionTable table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var copy = await connection.BeginBinaryImportAsync(
            $"COPY {schema}.{table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        return new TableCopy(table, copy);
    }

    /// <summary>Writes rows (they reach the server as the connection's buffer fills, and count once completed).</summary>
    public async Task WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var columns = _table.Columns.Count;
        foreach (var row in rows)
        {
            if (row.Length != columns)
            {
                throw new ArgumentException($"A row of {_table.Name} has {row.Length} values for {columns} columns.", nameof(rows));
            }

            await _copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is null)
                {
                    await _copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _copy.WriteAsync(row[i], _types[i], cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Ends the COPY: the server stores the rows written (or reports why it cannot).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken) => await _copy.CompleteAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Ends the COPY if it was not completed: it is cancelled, and nothing of it is stored (the caller keeps the connection).</summary>
    public ValueTask DisposeAsync() => _copy.DisposeAsync();
}
