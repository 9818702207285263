using Npgsql;

namespace CoopLedger.Testing;

/// <summary>An md5 of every row of every read-model table, in a stable order: two builds of a read model compare equal.</summary>
public static class ReadModelChecksums
{
    /// <summary>The read models' schemas (one per projection).</summary>
    public static readonly string[] Schemas = ["funding_per_year", "active_partnerships", "actions_per_challenge"];

    /// <summary>Table name → <c>rows:md5</c>.</summary>
    public static async Task<Dictionary<string, string>> OfAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = dataSource.CreateCommand(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1"))
        {
            list.Parameters.Add(new() { Value = Schemas });
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            // The names come from the catalogue above, not from input.
            await using var command = dataSource.CreateCommand($"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t");
            checksums[table] = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return checksums;
    }
}
