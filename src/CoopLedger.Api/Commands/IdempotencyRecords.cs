using Npgsql;

namespace CoopLedger.Api.Commands;

/// <summary>
/// The first answer given to each (actor, Idempotency-Key), with the hash of its request, saved in the command's
/// own transaction: a key is recorded exactly when its events are.
/// </summary>
public sealed class IdempotencyRecords(NpgsqlDataSource dataSource)
{
    /// <summary>The request hash and answer kept for a key, if any.</summary>
    public async Task<(byte[] RequestHash, CommandAnswer Answer)?> FindAsync(string actor, string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT request_hash, status, body, etag, location FROM api.idempotency_keys WHERE actor = $1 AND key = $2");
        command.Parameters.Add(new() { Value = actor });
        command.Parameters.Add(new() { Value = key });
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
        {
            return null;
        }

        return (row.GetFieldValue<byte[]>(0),
            new CommandAnswer(row.GetInt32(1), row.GetString(2), row.GetString(3), row.IsDBNull(4) ? null : row.GetString(4)));
    }

    /// <summary>Saves the answer on the command's connection, inside its transaction.</summary>
    public static async Task SaveAsync(
        NpgsqlConnection connection, string actor, string key, byte[] requestHash, CommandAnswer answer, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO api.idempotency_keys (actor, key, request_hash, status, body, etag, location) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection);
        command.Parameters.Add(new() { Value = actor });
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = requestHash });
        command.Parameters.Add(new() { Value = answer.Status });
        command.Parameters.Add(new() { Value = answer.Body });
        command.Parameters.Add(new() { Value = answer.ETag });
        command.Parameters.Add(new() { Value = (object?)answer.Location ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
