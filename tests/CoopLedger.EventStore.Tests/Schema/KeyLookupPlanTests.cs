using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Reading;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Schema;

/// <summary>
/// A session plans a statement once and keeps the plan until the next ANALYZE. Planned while the ledger is small,
/// the lookups of a set of keys must still find their rows by key once it has grown, not scan the whole table.
/// </summary>
public sealed class KeyLookupPlanTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task Reading_several_streams_planned_on_a_small_log_reads_them_by_key_once_it_has_grown()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await AppendAsync(first, ExpectedVersion.NoStream, TestEvents.Notes("a", "b"));
        await AppendAsync(second, ExpectedVersion.NoStream, TestEvents.Notes("c"));
        await using var session = OneSession();
        await using var connection = await session.OpenConnectionAsync(Cancel);
        var ranges = new Dictionary<Guid, (long After, long UpTo)> { [first] = (1, long.MaxValue), [second] = (0, long.MaxValue) };
        // Often enough to be prepared (and so planned once, generically) whichever way the store sends it.
        for (var i = 0; i < 8; i++)
        {
            await Store.ReadStreamsAsync(connection, ranges, null, Cancel);
        }

        // Thousands of events over a hundred streams.
        await AppendStreamsAsync(100, notesEach: 50);
        var before = await EventReadsAsync(connection);
        var read = await Store.ReadStreamsAsync(connection, ranges, null, Cancel);
        var after = await EventReadsAsync(connection);

        Assert.Equal([2L], read[first].Select(e => e.Version));
        Assert.Equal([1L], read[second].Select(e => e.Version));
        Assert.Equal(0, after.SequentialScans - before.SequentialScans);
    }

    [Fact]
    public async Task Reading_a_stream_after_a_version_fetches_only_the_newer_events()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes(200));
        await using var session = OneSession();
        await using var connection = await session.OpenConnectionAsync(Cancel);
        for (var i = 0; i < 8; i++)
        {
            await Store.ReadStreamAsync(connection, stream, new StreamReadOptions { AfterVersion = 150 + i }, Cancel);
        }

        var before = await EventReadsAsync(connection);
        var newest = await Store.ReadStreamAsync(connection, stream, new StreamReadOptions { AfterVersion = 199 }, Cancel);
        var after = await EventReadsAsync(connection);

        Assert.Equal([200L], newest.Select(e => e.Version));
        Assert.Equal(1, after.FetchedByIndex - before.FetchedByIndex);
        Assert.Equal(0, after.SequentialScans - before.SequentialScans);
    }

    /// <summary>One session, whose plans are generic from the first execution (as they become after five).</summary>
    private NpgsqlDataSource OneSession()
    {
        var builder = LedgerDataSource.CreateBuilder(Database.ConnectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = 1;
        builder.ConnectionStringBuilder.Options = "-c plan_cache_mode=force_generic_plan";
        return builder.Build();
    }

    /// <summary>
    /// This session's reads of the events table so far, not yet reported to the statistics: whole-table scans, and rows
    /// fetched through an index.
    /// </summary>
    private static async Task<(long SequentialScans, long FetchedByIndex)> EventReadsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT seq_scan, idx_tup_fetch FROM pg_stat_xact_user_tables WHERE relid = 'ledger.events'::regclass", connection);
        await using var row = await command.ExecuteReaderAsync(Cancel);
        await row.ReadAsync(Cancel);
        return (row.GetInt64(0), row.GetInt64(1));
    }
}
