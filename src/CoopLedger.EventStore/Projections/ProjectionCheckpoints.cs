using System.Globalization;
using CoopLedger.EventStore.GlobalLog;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>The checkpoint rows of <c>ledger.projection_checkpoints</c>.</summary>
public static class ProjectionCheckpoints
{
    /// <summary>Reads (creating it when missing) and locks a projection's checkpoint in the caller's transaction.</summary>
    /// <remarks>The row exists but for a projection's very first batch: it is created only when the lock finds none.</remarks>
    public static async Task<ProjectionState> LockAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        const string locking = " FOR UPDATE";
        if (await FindAsync(connection, name, locking, cancellationToken).ConfigureAwait(false) is { } state)
        {
            return state;
        }

        await using (var create = new NpgsqlCommand("INSERT INTO ledger.projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING", connection))
        {
            create.Parameters.Add(new() { Value = name });
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await FindAsync(connection, name, locking, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The checkpoint of projection '{name}' could not be created.");
    }

    /// <summary>Moves the checkpoint, in the transaction that wrote the batch.</summary>
    public static async Task AdvanceAsync(NpgsqlConnection connection, string name, LogCheckpoint to, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE ledger.projection_checkpoints SET log_order = $2::text::xid8, position = $3, updated_at = now() WHERE name = $1", connection);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = to.LogOrder.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = to.Position });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops a projection at the event it could not apply.</summary>
    /// <remarks>
    /// An upsert: when the failing batch was the projection's first, the row it created was rolled back with it.
    /// </remarks>
    public static async Task FailAsync(NpgsqlDataSource dataSource, string name, long position, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO ledger.projection_checkpoints (name, status, failed_position, error) VALUES ($1, 'failed', $2, $3)
            ON CONFLICT (name) DO UPDATE SET status = 'failed', failed_position = $2, error = $3, updated_at = now()
            """);
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = position });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for a rebuild; the projection's leader (on whichever instance) carries it out.</summary>
    /// <returns>False when no such projection has ever run.</returns>
    public static async Task<bool> RequestRebuildAsync(NpgsqlDataSource dataSource, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RequestRebuildAsync(connection, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks for a rebuild on the caller's connection.</summary>
    public static async Task<bool> RequestRebuildAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE ledger.projection_checkpoints SET rebuild_requested_at = coalesce(rebuild_requested_at, now()) WHERE name = $1", connection);
        command.Parameters.Add(new() { Value = name });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>One projection's state, or null when it has never run.</summary>
    public static Task<ProjectionState?> FindAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken) =>
        FindAsync(connection, name, "", cancellationToken);

    private static async Task<ProjectionState?> FindAsync(NpgsqlConnection connection, string name, string locking, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{Select} WHERE name = $1{locking}", connection);
        command.Parameters.Add(new() { Value = name });
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await row.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(row) : null;
    }

    /// <summary>Every projection's state.</summary>
    public static async Task<IReadOnlyList<ProjectionState>> AllAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{Select} ORDER BY name");
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var states = new List<ProjectionState>();
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            states.Add(Read(row));
        }

        return states;
    }

    private const string Select = """
        SELECT name, log_order::text::bigint, position, status, failed_position, error, updated_at, version, rebuild_requested_at
        FROM ledger.projection_checkpoints
        """;

    private static ProjectionState Read(NpgsqlDataReader row) => new(
        row.GetString(0), new LogCheckpoint(row.GetInt64(1), row.GetInt64(2)), row.GetString(3),
        row.IsDBNull(4) ? null : row.GetInt64(4), row.IsDBNull(5) ? null : row.GetString(5), row.GetFieldValue<DateTimeOffset>(6),
        row.IsDBNull(7) ? null : row.GetInt32(7), row.IsDBNull(8) ? null : row.GetFieldValue<DateTimeOffset>(8));
}
