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
        // Two recorded streams and, between them in id order, events forged for a third that has no stream row: their
        // chain is well formed (hashed by the ledger's own function), so only the missing row gives them away.
        var prefix = $"fffffffe-{Guid.NewGuid().ToString("D")[9..24]}";
        Guid Id(int n) => Guid.Parse($"{prefix}{n:D12}");
        foreach (var recorded in new[] { Id(1), Id(3) })
        {
            await Store.AppendAsync(recorded, TestEvents.StreamType, ExpectedVersion.NoStream, TestEvents.Notes("real"), TestEvents.By("alice"), Cancel);
        }

        var forged = Id(2);
        await Database.ScalarAsync<int>("""
            INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at, actor, log_order, previous_hash, hash)
            SELECT gen_random_uuid(), $1, v, 'noted', 1, '{"text": "forged"}', now(), now(), 'mallory', pg_current_xact_id(),
                CASE WHEN v = 2 THEN ledger.event_hash(NULL, $1, 1, 'noted', 1, '{"text": "forged"}', now(), now(), 'mallory', NULL) END,
                ledger.event_hash(CASE WHEN v = 2 THEN ledger.event_hash(NULL, $1, 1, 'noted', 1, '{"text": "forged"}', now(), now(), 'mallory', NULL) END,
                    $1, v, 'noted', 1, '{"text": "forged"}', now(), now(), 'mallory', NULL)
            FROM generate_series(1, 2) AS v
            """, forged);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.streams WHERE stream_id = $1", forged));

        Assert.Equal(new StreamIntegrity(false, 1, 1), await Verifier.VerifyAsync(forged, Cancel));
        // A full page of the ledger's walk holds them (they fall among its streams), as does the last page after them.
        var page = await Verifier.VerifyStreamsAsync(Id(0), 2, Cancel);
        Assert.Equal([Id(1), forged, Id(3)], page.Select(s => s.StreamId));
        Assert.Equal([true, false, true], page.Select(s => s.Integrity.Valid));
        var last = await Verifier.VerifyStreamsAsync(Id(1), 1000, Cancel);
        Assert.Contains((forged, new StreamIntegrity(false, 1, 1)), last);
    }

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
