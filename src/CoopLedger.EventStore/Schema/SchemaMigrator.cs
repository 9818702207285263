using Npgsql;

namespace CoopLedger.EventStore.Schema;

/// <summary>
/// Applies pending migrations in one transaction under an advisory lock, so several instances starting at once
/// apply each migration exactly once and none serves a half-migrated schema.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, IEnumerable<Migration> migrations)
{
    // Arbitrary but fixed: the key every CoopLedger instance locks while migrating.
    private const long MigrationLockKey = 0x436f_6f70_4c65_6467;

    private readonly IReadOnlyList<Migration> _migrations =
        [.. migrations.OrderBy(m => m.Module, StringComparer.Ordinal).ThenBy(m => m.Version)];

    /// <summary>Applies what is pending and returns the migrations it applied.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE SCHEMA IF NOT EXISTS ledger;
            CREATE TABLE IF NOT EXISTS ledger.migrations (
                module      text        NOT NULL,
                version     int         NOT NULL,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (module, version)
            );
            """, cancellationToken).ConfigureAwait(false);

        var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        var pending = _migrations.Where(m => !applied.Contains((m.Module, m.Version))).ToList();
        foreach (var migration in pending)
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand(
                "INSERT INTO ledger.migrations (module, version, description) VALUES ($1, $2, $3)", connection)
            {
                Parameters = { new() { Value = migration.Module }, new() { Value = migration.Version }, new() { Value = migration.Description } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return pending;
    }

    /// <summary>The migrations this build knows that the database has not applied (empty when up to date).</summary>
    public async Task<IReadOnlyList<Migration>> PendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('ledger.migrations') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return _migrations;
        }

        var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        return [.. _migrations.Where(m => !applied.Contains((m.Module, m.Version)))];
    }

    private static async Task<HashSet<(string, int)>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT module, version FROM ledger.migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<(string, int)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
