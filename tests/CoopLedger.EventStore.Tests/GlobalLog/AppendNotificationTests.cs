using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.GlobalLog;

public sealed class AppendNotificationTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_reader_in_another_process_is_woken_by_an_append_instead_of_polling()
    {
        // Two "processes": each its own signal; only the database connects them.
        var readerSignal = new AppendSignal();
        await using var listener = new AppendListener(Database.DataSource, readerSignal);
        await listener.StartAsync(Cancel);
        var writer = new PostgresEventStore(Database.DataSource, Store.Types, new AppendSignal(notifyThrough: Database.DataSource));

        var woken = readerSignal.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        await writer.AppendAsync(Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes("hello"), TestEvents.By("alice"), Cancel);

        Assert.True(await woken);
    }

    [Fact]
    public async Task A_local_append_wakes_local_readers_at_once()
    {
        var woken = Store.Signal.WaitAsync(TimeSpan.FromSeconds(30), Cancel);

        await AppendAsync(Guid.NewGuid(), ExpectedVersion.NoStream, TestEvents.Notes("hello"));

        Assert.True(await woken);
    }

    [Fact]
    public async Task Without_appends_a_wait_ends_at_its_timeout()
    {
        Assert.False(await new AppendSignal().WaitAsync(TimeSpan.FromMilliseconds(50), Cancel));
    }
}
