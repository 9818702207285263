using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Integrity;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Integrity;

public sealed class HashChainTests(TestDatabase database) : StoreTestBase(database)
{
    private StreamVerifier Verifier => new(Database.DataSource);

    [Fact]
    public async Task An_untouched_stream_verifies_and_each_event_links_to_the_previous_hash()
    {
        var stream = await FiveEventStreamAsync();

        var integrity = await Verifier.VerifyAsync(stream, Cancel);

        Assert.Equal(new StreamIntegrity(true, 5, null), integrity);
        var events = await Store.ReadStreamAsync(stream, null, Cancel);
        Assert.Null(events[0].PreviousHash);
        Assert.All(events.Skip(1).Zip(events), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
    }

    [Theory]
    [InlineData("data = jsonb_set(data, '{text}', '\"forged\"')", 3)]
    [InlineData("effective_at = effective_at - interval '1 year'", 2)]
    [InlineData("actor = 'mallory'", 4)]
    [InlineData("reason = NULL", 5)]
    [InlineData("hash = sha256('forged'::bytea)", 1)]
    public async Task Editing_a_row_by_hand_is_detected_at_that_version(string edit, long version)
    {
        var stream = await FiveEventStreamAsync();

        await Database.ScalarAsync<int>($"UPDATE ledger.events SET {edit} WHERE stream_id = $1 AND version = $2", stream, version);

        var integrity = await Verifier.VerifyAsync(stream, Cancel);
        Assert.False(integrity.Valid);
        Assert.Equal(version, integrity.FirstInvalidVersion);
    }

    [Fact]
    public async Task A_deleted_event_in_the_middle_is_detected_at_its_version()
    {
        var stream = await FiveEventStreamAsync();

        await Database.ScalarAsync<int>("DELETE FROM ledger.events WHERE stream_id = $1 AND version = 3", stream);

        Assert.Equal(3, (await Verifier.VerifyAsync(stream, Cancel)).FirstInvalidVersion);
    }

    [Fact]
    public async Task Events_cut_off_the_end_are_detected()
    {
        var stream = await FiveEventStreamAsync();

        await Database.ScalarAsync<int>("DELETE FROM ledger.events WHERE stream_id = $1 AND version = 5", stream);

        Assert.Equal(new StreamIntegrity(false, 4, 5), await Verifier.VerifyAsync(stream, Cancel));
    }

    [Fact]
    public async Task Events_inserted_by_hand_for_a_stream_the_ledger_never_recorded_are_found_whole_chain_and_all()
    {
        // Two recorded streams and, in id order, events forged between them and after them for streams with no row.
        var prefix = $"fffffffe-{Guid.NewGuid().ToString("D")[9..24]}";
        Guid Id(int n) => Guid.Parse($"{prefix}{n:D12}");
        foreach (var recorded in new[] { Id(1), Id(3) })
        {
            await Store.AppendAsync(recorded, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("real"), TestEvents.By("alice"), Cancel);
        }

        var (between, after) = (Id(2), Id(4));
        await ForgeAsync(between, 0, null, 2);
        await ForgeAsync(after, 0, null, 1);

        Assert.Equal(new StreamIntegrity(false, 1, 1), await Verifier.VerifyAsync(between, Cancel));
        // The ledger's walk lists them in their places, a page holding as many streams as asked, recorded or not.
        var first = await Verifier.VerifyStreamsAsync(Id(0), 2, Cancel);
        Assert.Equal([(Id(1), new StreamIntegrity(true, 1, null)), (between, new StreamIntegrity(false, 1, 1))], first);
        var next = await Verifier.VerifyStreamsAsync(between, 2, Cancel);
        Assert.Equal([(Id(3), new StreamIntegrity(true, 1, null)), (after, new StreamIntegrity(false, 1, 1))], next);

        // Well chained: with the row they lack, they verify.
        await Database.ScalarAsync<int>("INSERT INTO ledger.streams VALUES ($1, 'test', 2, now(), now())", between);
        Assert.Equal(new StreamIntegrity(true, 2, null), await Verifier.VerifyAsync(between, Cancel));
    }

    [Fact]
    public async Task Events_inserted_by_hand_past_a_streams_recorded_version_are_found_however_well_chained()
    {
        var stream = await FiveEventStreamAsync();
        var head = await Database.ScalarAsync<byte[]>("SELECT hash FROM ledger.events WHERE stream_id = $1 AND version = 5", stream);

        await ForgeAsync(stream, 5, head, 1);

        Assert.Equal(new StreamIntegrity(false, 6, 6), await Verifier.VerifyAsync(stream, Cancel));
        // Well chained: with the version its row lacks, it verifies.
        await Database.ScalarAsync<int>("UPDATE ledger.streams SET version = 6 WHERE stream_id = $1", stream);
        Assert.Equal(new StreamIntegrity(true, 6, null), await Verifier.VerifyAsync(stream, Cancel));
    }

    /// <summary>
    /// Inserts by hand <paramref name="count"/> notes after <paramref name="version"/>, chained from <paramref name="head"/>
    /// by the ledger's own hash function, without touching the stream's row.
    /// </summary>
    private Task<int> ForgeAsync(Guid stream, long version, byte[]? head, int count) => Database.ScalarAsync<int>("""
        WITH RECURSIVE forged AS (
            SELECT $2::bigint + 1 AS version, $3::bytea AS previous,
                ledger.event_hash($3, $1, $2 + 1, 'noted', 1, '{"text": "forged"}', '2026-01-01', '2026-01-01', 'mallory', NULL) AS hash
            UNION ALL
            SELECT f.version + 1, f.hash, ledger.event_hash(f.hash, $1, f.version + 1, 'noted', 1, '{"text": "forged"}', '2026-01-01', '2026-01-01', 'mallory', NULL)
            FROM forged f WHERE f.version < $2 + $4
        )
        INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at, actor, log_order, previous_hash, hash)
        SELECT gen_random_uuid(), $1, version, 'noted', 1, '{"text": "forged"}', '2026-01-01', '2026-01-01', 'mallory', pg_current_xact_id(), previous, hash
        FROM forged
        """, stream, version, (object?)head ?? DBNull.Value, count);

    [Fact]
    public void The_canonical_encoding_is_length_prefixed_and_marks_nulls()
    {
        var text = EventHash.Encode(null, Guid.Parse("0b5c8c1e-6a1f-4f4e-9b1a-2f6d3c4b5a69"), 1, "noted", 1, """{"text": "é"}""",
            new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 10, 30, 0, 123, TimeSpan.FromHours(1)), "alice", null);

        Assert.Equal(
            "coopledger-event-v1\n-\n36:0b5c8c1e-6a1f-4f4e-9b1a-2f6d3c4b5a69\n1:1\n5:noted\n1:1\n14:{\"text\": \"é\"}\n"
            + "27:2016-01-01T00:00:00.000000Z\n27:2026-11-21T09:30:00.123000Z\n5:alice\n-\n", text);
    }

    private async Task<Guid> FiveEventStreamAsync()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("one", "two"));
        await AppendAsync(stream, ExpectedVersion.Exactly(2), TestEvents.Notes("three", "four", "five"));
        return stream;
    }
}
