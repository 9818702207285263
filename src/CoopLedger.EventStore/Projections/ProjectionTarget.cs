using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Where a projection writes: a connection (in the engine's transaction) and the schema of the generation being
/// written — the serving one for live batches, a shadow one during a rebuild.
/// </summary>
public sealed class ProjectionTarget(NpgsqlConnection connection, string schema, IReadOnlyList<ProjectionTable> tables)
{
    /// <summary>The connection, inside the engine's transaction.</summary>
    public NpgsqlConnection Connection => connection;

    /// <summary>The schema written to.</summary>
    public string Schema => schema;

    /// <summary>
    /// Whether the events applied have committed (a daemon's or a rebuild's batch); false for an inline projection,
    /// applied inside the append's own transaction, which may still roll back: what it reads then must not be kept
    /// anywhere beyond that transaction (e.g. in the shared stream cache).
    /// </summary>
    public bool EventsCommitted { get; init; } = true;

    /// <summary>
    /// Replaces every row of the given keys with the rows given (binary COPY: the rows of thousands of keys cost
    /// one round trip per table, not one statement per row).
    /// </summary>
    public async Task ReplaceAsync<TKey>(IReadOnlyCollection<TKey> keys, ProjectionRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(rows);
        rows.EnsureOnlyFor(tables);
        foreach (var table in tables)
        {
            if (keys.Count > 0)
            {
                await using var delete = new NpgsqlCommand($"DELETE FROM {schema}.{table.Name} WHERE {table.Key} = ANY ($1)", connection)
                {
                    Parameters = { new() { Value = keys.ToArray() } },
                };
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await CopyAsync(table, rows.Of(table.Name), cancellationToken).ConfigureAwait(false);
        }

        rows.Clear();
    }

    private async Task CopyAsync(ProjectionTable table, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var copy = await TableCopy.BeginAsync(connection, schema, table, cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
