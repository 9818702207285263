using CoopLedger.EventStore.Appending;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Schema;

/// <summary>
/// Events do not reference their stream by a foreign key (each append makes sure of its stream under the stream row's
/// lock): what the key also guarded, that a stream is never removed from under its events nor given another id, the
/// streams table guards.
/// </summary>
public sealed class StreamsKeptTests(TestDatabase database) : StoreTestBase(database)
{
    [Theory]
    [InlineData("DELETE FROM ledger.streams WHERE stream_id = $1")]
    [InlineData("TRUNCATE ledger.streams CASCADE")]
    [InlineData("UPDATE ledger.streams SET stream_id = gen_random_uuid() WHERE stream_id = $1")]
    public async Task A_stream_is_never_removed_from_under_its_events_nor_given_another_id(string removal)
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("kept"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Database.ScalarAsync<int>(removal, stream));

        Assert.Equal(PostgresErrorCodes.RestrictViolation, refused.SqlState);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT version FROM ledger.streams WHERE stream_id = $1", stream));
        Assert.Equal(1, await CountEventsAsync(stream));
    }
}
