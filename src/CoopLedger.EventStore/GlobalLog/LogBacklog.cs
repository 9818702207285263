using System.Globalization;
using Npgsql;

namespace CoopLedger.EventStore.GlobalLog;

/// <summary>How many committed events of the global log come after a checkpoint: what a reader there has yet to read.</summary>
public static class LogBacklog
{
    /// <summary>
    /// Counts the committed events after <paramref name="after"/> in commit order, stopping at <paramref name="upTo"/>
    /// when given: the count walks one index entry per event it finds.
    /// </summary>
    public static async Task<long> CountAsync(NpgsqlConnection connection, LogCheckpoint after, long? upTo, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM (SELECT FROM ledger.events WHERE (log_order, position) > ($1::text::xid8, $2) LIMIT $3) AS backlog", connection);
        command.Parameters.Add(new() { Value = after.LogOrder.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Position });
        command.Parameters.Add(new() { Value = (object?)upTo ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
