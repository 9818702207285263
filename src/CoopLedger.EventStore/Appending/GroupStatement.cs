using Npgsql;
using NpgsqlTypes;

namespace CoopLedger.EventStore.Appending;

/// <summary>
/// Appends sent together as one call of <c>ledger.append_group</c>, and their answers read back: a row per event
/// written, a row per conflict, none for an append the group left to run alone.
/// </summary>
internal static class GroupStatement
{
    private const string Sql = """
        SELECT append, outcome, version, event_position, recorded, transaction_number, log_order_number, effective, previous_hash, hash
        FROM ledger.append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        """;

    /// <summary>
    /// Whether an append may go in a group: one with an idempotency key needs a check that reads its stream after
    /// the lock, in a statement of its own (<c>ledger.append</c>); one of no events has nothing to chain.
    /// </summary>
    public static bool Takes(AppendStatement append) => append.Metadata.IdempotencyKey is null && append.EventCount > 0;

    /// <summary>The appends (each to a different stream, each one <see cref="Takes"/>), in the group's order.</summary>
    public static NpgsqlBatchCommand ToCommand(IReadOnlyList<AppendStatement> group)
    {
        // Where each append's events start in the flattened event arrays (1-based, as in SQL).
        var firsts = new int[group.Count];
        for (int i = 0, next = 1; i < group.Count; next += group[i].EventCount, i++)
        {
            firsts[i] = next;
        }

        return new NpgsqlBatchCommand(Sql)
        {
            Parameters =
            {
                new() { Value = group.Select(a => a.StreamId).ToArray() },
                new() { Value = group.Select(a => a.StreamType).ToArray() },
                new() { Value = group.Select(a => a.Expected.Value).ToArray() },
                new() { Value = group.Select(a => a.EventCount).ToArray() },
                new() { Value = firsts },
                new() { Value = group.Select(a => a.Metadata.Actor).ToArray() },
                Texts(group.Select(a => a.Metadata.Reason)),
                Texts(group.Select(a => a.Metadata.CorrelationId)),
                Texts(group.Select(a => a.Metadata.CausationId)),
                new() { Value = group.SelectMany(a => a.EventIds).ToArray() },
                new() { Value = group.SelectMany(a => a.Types).ToArray() },
                new() { Value = group.SelectMany(a => a.SchemaVersions).ToArray() },
                new() { Value = group.SelectMany(a => a.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = group.SelectMany(a => a.EffectiveAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            },
        };
    }

    private static NpgsqlParameter Texts(IEnumerable<string?> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>Reads the group's answers: one outcome per append, in the group's order.</summary>
    public static async Task<AppendOutcome[]> ReadOutcomesAsync(NpgsqlDataReader reader, int appends, CancellationToken cancellationToken)
    {
        var outcomes = new AppendOutcome?[appends];
        var written = new List<WrittenEvent>?[appends];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var append = reader.GetInt32(0) - 1;
            var version = reader.GetInt64(2);
            if (reader.GetString(1) != AppendOutcome.Appended)
            {
                outcomes[append] = new AppendOutcome(reader.GetString(1), version, 0);
                continue;
            }

            (written[append] ??= []).Add(new WrittenEvent(
                version, reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt64(5), reader.GetInt64(6),
                reader.GetFieldValue<DateTimeOffset>(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8), reader.GetFieldValue<byte[]>(9)));
        }

        return [.. outcomes.Select((outcome, i) => outcome ?? (written[i] is { } events ? Appended(events) : LeftAlone))];
    }

    /// <summary>The answer of an append the group left: nothing of it written, to run alone.</summary>
    public static AppendOutcome LeftAlone { get; } = new(AppendOutcome.Alone, 0, 0);

    private static AppendOutcome Appended(List<WrittenEvent> events)
    {
        events.Sort((a, b) => a.Version.CompareTo(b.Version));
        var first = events[0];
        return new AppendOutcome(AppendOutcome.Appended, events[^1].Version, events[^1].Position)
        {
            Recorded = new RecordedParts(
                first.RecordedAt, first.TransactionId, first.LogOrder, [.. events.Select(e => e.Position)], [.. events.Select(e => e.EffectiveAt)],
                first.PreviousHash, [.. events.Select(e => e.Hash)]),
        };
    }

    /// <summary>One row of the answer: an event as the database wrote it.</summary>
    private sealed record WrittenEvent(
        long Version, long Position, DateTimeOffset RecordedAt, long TransactionId, long LogOrder, DateTimeOffset EffectiveAt, byte[]? PreviousHash, byte[] Hash);
}
