using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.GlobalLog;

public sealed class LogTailTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_batch_read_once_is_served_again_without_a_query_and_an_empty_one_is_not_kept()
    {
        var tail = new LogTail(new GlobalLogReader(Database.DataSource, Store.Types));
        await using var connection = await Database.DataSource.OpenConnectionAsync(Cancel);
        // A connection never opened: any query on it throws.
        await using var closed = Database.DataSource.CreateConnection();
        var start = await ReadToEndAsync(tail, LogCheckpoint.Start, [], batchSize: 1000);
        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("a", "b", "c"));
        var first = await ReadNonEmptyAsync(tail, connection, start);

        var again = await tail.ReadAsync(closed, start, 100, Cancel);
        Assert.Equal(first.Events.Select(e => e.EventId), again.Events.Select(e => e.EventId));
        Assert.Equal(first.Next, again.Next);

        // Fewer events asked for: the first of those kept, and the checkpoint after the last given.
        var shorter = await tail.ReadAsync(closed, start, 1, Cancel);
        Assert.Equal([first.Events[0].EventId], shorter.Events.Select(e => e.EventId));
        Assert.Equal(new LogCheckpoint(first.Events[0].LogOrder, first.Events[0].Position), shorter.Next);

        // Nothing after the batch yet: that answer is not kept, and the events appended next are read.
        Assert.Empty((await tail.ReadAsync(connection, first.Next, 100, Cancel)).Events);
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("d"));
        var next = await ReadNonEmptyAsync(tail, connection, first.Next);
        Assert.Equal([stream], next.Events.Select(e => e.StreamId));
    }

    [Fact]
    public async Task Followers_sharing_the_tail_while_writers_race_each_deliver_every_committed_event_exactly_once_in_log_order()
    {
        var tail = new LogTail(new GlobalLogReader(Database.DataSource, Store.Types), capacity: 8);
        var start = await ReadToEndAsync(tail, LogCheckpoint.Start, [], batchSize: 100);
        var writing = Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var stream = Guid.NewGuid();
            for (var version = 0; version < 25; version++)
            {
                await AppendAsync(stream, ExpectedVersion.Exactly(version), TestEvents.Notes($"{writer}/{version}"));
            }
        }, Cancel)));

        // Followers asking for batches of different sizes, as daemons after a poison event (one by one) would.
        int[] batchSizes = [7, 7, 3, 1];
        var followers = await Task.WhenAll(batchSizes.Select(batchSize => Task.Run(async () =>
        {
            var (checkpoint, delivered) = (start, new List<RecordedEvent>());
            while (!writing.IsCompleted)
            {
                checkpoint = await ReadToEndAsync(tail, checkpoint, delivered, batchSize);
            }

            for (var deadline = DateTime.UtcNow.AddSeconds(30); delivered.Count < 8 * 25 && DateTime.UtcNow < deadline; await Task.Delay(20, Cancel))
            {
                checkpoint = await ReadToEndAsync(tail, checkpoint, delivered, batchSize);
            }

            return delivered;
        }, Cancel)));
        await writing;

        var direct = new List<RecordedEvent>();
        await ReadToEndAsync(new LogTail(new GlobalLogReader(Database.DataSource, Store.Types)), start, direct, batchSize: 1000);
        Assert.Equal(8 * 25, direct.Count);
        Assert.All(followers, delivered => Assert.Equal(direct.Select(e => e.EventId), delivered.Select(e => e.EventId)));
    }

    private static async Task<GlobalLogBatch> ReadNonEmptyAsync(LogTail tail, Npgsql.NpgsqlConnection connection, LogCheckpoint from)
    {
        // Transactions open elsewhere on the cluster (other test classes) may hold the commit-safe horizon back a while.
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(20, Cancel))
        {
            var batch = await tail.ReadAsync(connection, from, 100, Cancel);
            if (batch.Events.Count > 0 || DateTime.UtcNow > deadline)
            {
                return batch;
            }
        }
    }

    private async Task<LogCheckpoint> ReadToEndAsync(LogTail tail, LogCheckpoint from, List<RecordedEvent> into, int batchSize)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync(Cancel);
        while (true)
        {
            var batch = await tail.ReadAsync(connection, from, batchSize, Cancel);
            if (batch.Events.Count == 0)
            {
                return from;
            }

            into.AddRange(batch.Events);
            from = batch.Next;
        }
    }
}
