namespace CoopLedger.EventStore.Projections;

/// <summary>A column of a projection's table: its PostgreSQL type is also how its values are sent by binary COPY.</summary>
/// <param name="Name">The column.</param>
/// <param name="Type">A PostgreSQL type name as <c>format_type</c> spells it, e.g. <c>uuid</c>, <c>text[]</c>, <c>numeric(14,2)</c>.</param>
/// <param name="Nullable">Whether it may hold null.</param>
public sealed record ProjectionColumn(string Name, string Type, bool Nullable = false)
{
    /// <summary>The type without its modifier, as Npgsql names it when writing a value.</summary>
    public string DataTypeName => Type.IndexOf('(', StringComparison.Ordinal) is var modifier and >= 0 ? Type[..modifier] : Type;
}

/// <summary>A secondary index of a projection's table.</summary>
/// <param name="Name">Its name, prefixed with the table's.</param>
/// <param name="Definition">What follows <c>ON table</c>, e.g. <c>USING gist (validity)</c>.</param>
public sealed record ProjectionIndex(string Name, string Definition);

/// <summary>
/// A table of a projection. Rows are grouped by <paramref name="Key"/> (e.g. the partnership), the unit the
/// projection replaces when an event concerns it.
/// </summary>
/// <param name="Name">The table, unqualified (its schema is the projection's).</param>
/// <param name="Key">The column that groups rows for replacement.</param>
/// <param name="Columns">The columns, in the order the projection gives values.</param>
/// <param name="PrimaryKey">The primary key's columns, if any.</param>
/// <param name="Indexes">Secondary indexes.</param>
/// <param name="AfterLoad">
/// More DDL given the schema, run with the secondary indexes: once the table holds its rows (at once for a new, empty
/// generation; after the bulk load in a rebuild). E.g. a summary table filled from the rows and kept by statement
/// triggers from then on. Function bodies must not name the schema: they keep their text when a rebuild renames it.
/// </param>
public sealed record ProjectionTable(
    string Name, string Key, IReadOnlyList<ProjectionColumn> Columns, IReadOnlyList<string> PrimaryKey, IReadOnlyList<ProjectionIndex> Indexes,
    Func<string, string>? AfterLoad = null)
{
    /// <summary>The DDL creating the table in a schema, without its keys and indexes (a bulk load adds them afterwards).</summary>
    public string CreateTable(string schema)
    {
        var columns = Columns.Select(c => $"{c.Name} {c.Type}{(c.Nullable ? "" : " NOT NULL")}");
        return $"CREATE TABLE {schema}.{Name} ({string.Join(", ", columns)});";
    }

    /// <summary>
    /// The DDL adding the primary key and the secondary indexes (with one on the key unless the primary key starts
    /// with it), then <see cref="AfterLoad"/>'s: built once over loaded rows, an index costs a sort instead of a
    /// random insertion per row.
    /// </summary>
    public string CreateIndexes(string schema) =>
        string.Join('\n', (CreatePrimaryKey(schema) is { } primary ? [primary] : Array.Empty<string>()).Concat(BuildAfterKey(schema)));

    /// <summary>The DDL adding the primary key, if the table has one.</summary>
    public string? CreatePrimaryKey(string schema) =>
        PrimaryKey.Count == 0 ? null : $"ALTER TABLE {schema}.{Name} ADD PRIMARY KEY ({string.Join(", ", PrimaryKey)});";

    /// <summary>
    /// What is built once the primary key is there, each statement on its own: the secondary indexes (with one on the
    /// key unless the primary key starts with it), then <see cref="AfterLoad"/>'s DDL, whole.
    /// </summary>
    public IEnumerable<string> BuildAfterKey(string schema)
    {
        var keyed = PrimaryKey.Count > 0 && PrimaryKey[0] == Key;
        var indexes = keyed ? Indexes : Indexes.Append(new ProjectionIndex("key", $"({Key})"));
        foreach (var index in indexes)
        {
            yield return $"CREATE INDEX {Name}_{index.Name} ON {schema}.{Name} {index.Definition};";
        }

        if (AfterLoad?.Invoke(schema) is { } afterLoad)
        {
            yield return afterLoad;
        }
    }
}
