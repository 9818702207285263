using System.Globalization;
using System.Text.RegularExpressions;
using CoopLedger.EventStore.GlobalLog;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// A projection's tables live in a schema named after it; a rebuild fills <c>{name}_next</c> beside it, and the
/// swap renames the two schemas in one transaction, so readers see the old generation or the new one, never a mix.
/// </summary>
public static partial class ProjectionGenerations
{
    /// <summary>The schema a rebuild fills.</summary>
    public static string Shadow(string name) => $"{Checked(name)}_next";

    /// <summary>
    /// Makes sure the projection has a serving generation before anything reads it: creates its empty tables the
    /// first time (the daemon then fills them from the log), and asks for a rebuild when its declared version
    /// differs from the serving one. Safe when several instances start at once.
    /// </summary>
    public static async Task EnsureServingAsync(NpgsqlDataSource dataSource, IProjection projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(projection);
        var name = Checked(projection.Name);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtextextended('projection-schema:{name}', 0))", cancellationToken).ConfigureAwait(false);
        var state = await ProjectionCheckpoints.FindAsync(connection, name, cancellationToken).ConfigureAwait(false);
        if (state?.Version is null)
        {
            // Never created by this engine (or its bookkeeping is gone): start a generation from the log's beginning.
            await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name};", cancellationToken).ConfigureAwait(false);
            await CreateTablesAsync(connection, projection, name, withIndexes: true, cancellationToken).ConfigureAwait(false);
            await using var reset = new NpgsqlCommand("""
                INSERT INTO ledger.projection_checkpoints (name, version) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET log_order = '0', position = 0, status = 'running', failed_position = NULL,
                    error = NULL, version = $2, rebuild_requested_at = NULL, updated_at = now()
                """, connection);
            reset.Parameters.Add(new() { Value = name });
            reset.Parameters.Add(new() { Value = projection.Version });
            await reset.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (state.Version != projection.Version && state.RebuildRequestedAt is null)
        {
            await ProjectionCheckpoints.RequestRebuildAsync(connection, name, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an empty shadow generation (dropping what an interrupted rebuild left), without keys and indexes.</summary>
    public static async Task CreateShadowAsync(NpgsqlConnection connection, IProjection projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var shadow = Shadow(projection.Name);
        await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {shadow} CASCADE; CREATE SCHEMA {shadow};", cancellationToken).ConfigureAwait(false);
        await CreateTablesAsync(connection, projection, shadow, withIndexes: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the shadow's keys, indexes and statistics once its rows are committed: the primary keys first (each locks
    /// its table whole), then the secondary indexes and the tables' <see cref="ProjectionTable.AfterLoad"/> side by
    /// side, on a connection each, as many at once as there are cores. One after the other on the load's connection,
    /// they left a core idle for seconds at the end of a rebuild (docs/BENCHMARKS.md, issue 5, eighth session).
    /// </summary>
    public static async Task IndexShadowAsync(NpgsqlDataSource dataSource, IProjection projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(projection);
        var shadow = Shadow(projection.Name);
        var tables = projection.Tables;
        await EachOnItsOwnAsync(tables.Select(t => t.CreatePrimaryKey(shadow)).OfType<string>()).ConfigureAwait(false);
        // The longest first: a table's AfterLoad (a summary read from every row) takes longer than one index.
        await EachOnItsOwnAsync(tables.SelectMany(t => t.BuildAfterKey(shadow).Reverse())).ConfigureAwait(false);
        await EachOnItsOwnAsync(tables.Select(t => $"ANALYZE {shadow}.{t.Name};")).ConfigureAwait(false);

        Task EachOnItsOwnAsync(IEnumerable<string> statements) =>
            Parallel.ForEachAsync(statements, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                async (sql, cancellation) =>
                {
                    await using var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
                    await ExecuteAsync(connection, sql, cancellation).ConfigureAwait(false);
                });
    }

    /// <summary>
    /// Swaps the shadow in and moves the checkpoint to the shadow's, in the caller's transaction (which holds the
    /// checkpoint row, so no live batch runs meanwhile). Waits at most a few seconds for readers of the old tables.
    /// </summary>
    public static async Task SwapAsync(NpgsqlConnection connection, IProjection projection, LogCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var name = Checked(projection.Name);
        await ExecuteAsync(connection, $"""
            SET LOCAL lock_timeout = '5s';
            ALTER SCHEMA {name} RENAME TO {name}_retired;
            ALTER SCHEMA {name}_next RENAME TO {name};
            DROP SCHEMA {name}_retired CASCADE;
            """, cancellationToken).ConfigureAwait(false);
        await using var moved = new NpgsqlCommand("""
            UPDATE ledger.projection_checkpoints SET log_order = $2::text::xid8, position = $3, status = 'running',
                failed_position = NULL, error = NULL, version = $4, rebuild_requested_at = NULL, updated_at = now()
            WHERE name = $1
            """, connection);
        moved.Parameters.Add(new() { Value = name });
        moved.Parameters.Add(new() { Value = checkpoint.LogOrder.ToString(CultureInfo.InvariantCulture) });
        moved.Parameters.Add(new() { Value = checkpoint.Position });
        moved.Parameters.Add(new() { Value = projection.Version });
        await moved.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateTablesAsync(NpgsqlConnection connection, IProjection projection, string schema, bool withIndexes, CancellationToken cancellationToken)
    {
        var sql = string.Join('\n', projection.Tables.Select(t => t.CreateTable(schema) + (withIndexes ? "\n" + t.CreateIndexes(schema) : "")));
        await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Projection names become schema names in DDL, so they are held to plain identifiers.</summary>
    private static string Checked(string name) => Identifier().IsMatch(name)
        ? name
        : throw new ArgumentException($"A projection name is lower-case letters, digits and '_' (got '{name}').", nameof(name));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,40}$")]
    private static partial Regex Identifier();
}
