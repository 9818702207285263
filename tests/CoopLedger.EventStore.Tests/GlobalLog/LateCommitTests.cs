using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.GlobalLog;

public sealed class LateCommitTests(TestDatabase database) : StoreTestBase(database)
{
    private GlobalLogReader Reader => new(Database.DataSource, Store.Types);

    [Fact]
    public async Task An_event_whose_transaction_commits_late_is_delivered_exactly_once()
    {
        var checkpoint = await ReadToEndAsync(LogCheckpoint.Start, []);
        var delivered = new List<RecordedEvent>();

        // A transaction appends first (taking the lower position) and holds its commit.
        await using var lateConnection = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var late = await lateConnection.BeginTransactionAsync(Cancel);
        var lateStream = Guid.NewGuid();
        var lateAppend = await Store.AppendAsync(lateConnection, lateStream, "test", ExpectedVersion.NoStream, TestEvents.Notes("late"), TestEvents.By("slow"), Cancel);

        // Later transactions append and commit meanwhile, at higher positions.
        var early = new[] { Guid.NewGuid(), Guid.NewGuid() };
        foreach (var stream in early)
        {
            var append = await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("early"));
            Assert.True(append.Position > lateAppend.Position);
        }

        // The reader must not move past the open transaction's event, so it delivers nothing yet.
        checkpoint = await ReadToEndAsync(checkpoint, delivered);
        Assert.Empty(delivered);

        await late.CommitAsync(Cancel);
        await ReadUntilAsync(checkpoint, delivered, count: 3);

        Assert.Equal([lateStream, .. early], delivered.Select(e => e.StreamId));
        Assert.Equal(delivered.Count, delivered.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Readers_racing_with_writers_deliver_every_committed_event_exactly_once()
    {
        var checkpoint = await ReadToEndAsync(LogCheckpoint.Start, []);
        var delivered = new List<RecordedEvent>();
        var writing = Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var stream = Guid.NewGuid();
            for (var version = 0; version < 25; version++)
            {
                await AppendAsync(stream, ExpectedVersion.Exactly(version), TestEvents.Notes($"{writer}/{version}"));
            }
        }, Cancel)));

        while (!writing.IsCompleted)
        {
            checkpoint = await ReadToEndAsync(checkpoint, delivered, batchSize: 7);
        }

        await writing;
        await ReadUntilAsync(checkpoint, delivered, count: 8 * 25, batchSize: 7);

        Assert.Equal(8 * 25, delivered.Count);
        Assert.Equal(delivered.Count, delivered.Select(e => e.EventId).Distinct().Count());
        // Within each stream the log keeps version order.
        Assert.All(delivered.GroupBy(e => e.StreamId), stream => Assert.Equal(Enumerable.Range(1, 25).Select(v => (long)v), stream.Select(e => e.Version)));
    }

    [Fact]
    public async Task A_stream_appended_to_by_a_transaction_older_than_its_previous_writer_is_delivered_in_version_order()
    {
        var stream = Guid.NewGuid();
        await AppendAsync(stream, ExpectedVersion.NoStream, TestEvents.Notes("first"));
        // Past the first version (a transaction open elsewhere on the cluster can hold the reader back a while).
        var (checkpoint, before) = (LogCheckpoint.Start, new List<RecordedEvent>());
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !before.Any(e => e.StreamId == stream) && DateTime.UtcNow < deadline; await Task.Delay(20, Cancel))
        {
            checkpoint = await ReadToEndAsync(checkpoint, before);
        }

        // A transaction takes its id (by writing another stream first), then appends to the stream only after a
        // younger transaction has appended to it and committed: its version is later, its transaction id older.
        await using var olderConnection = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var older = await olderConnection.BeginTransactionAsync(Cancel);
        await Store.AppendAsync(olderConnection, Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes("elsewhere"), TestEvents.By("slow"), Cancel);
        await AppendAsync(stream, ExpectedVersion.Exactly(1), TestEvents.Notes("second"));
        await Store.AppendAsync(olderConnection, stream, "test", ExpectedVersion.Exactly(2), TestEvents.Notes("third"), TestEvents.By("slow"), Cancel);
        await older.CommitAsync(Cancel);

        // One event per batch: a reader that cut the log between the stream's second and third versions must
        // still have handed them over in version order (a projection folds a stream in the order it receives it).
        var delivered = new List<RecordedEvent>();
        await ReadUntilAsync(checkpoint, delivered, count: 3, batchSize: 1);

        Assert.Equal([2L, 3L], delivered.Where(e => e.StreamId == stream).Select(e => e.Version));
        Assert.Equal(3, delivered.Count);
    }

    /// <summary>
    /// Reads until <paramref name="count"/> events have arrived (or 30 s have passed). The reader may stall while
    /// any writing transaction of the cluster is open — other test classes write in parallel — but never skip:
    /// what it has not delivered by then it would never deliver.
    /// </summary>
    private async Task ReadUntilAsync(LogCheckpoint from, List<RecordedEvent> into, int count, int batchSize = 100)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (into.Count < count && DateTime.UtcNow < deadline)
        {
            from = await ReadToEndAsync(from, into, batchSize);
            await Task.Delay(20, Cancel);
        }
    }

    private async Task<LogCheckpoint> ReadToEndAsync(LogCheckpoint from, List<RecordedEvent> into, int batchSize = 100)
    {
        while (true)
        {
            var batch = await Reader.ReadAsync(from, batchSize, Cancel);
            into.AddRange(batch.Events);
            if (batch.Events.Count == 0)
            {
                return from;
            }

            from = batch.Next;
        }
    }
}
