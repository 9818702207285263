using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Projections;

public sealed class InlineProjectionTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task An_inline_projection_has_the_rows_when_the_append_returns()
    {
        var (store, projection) = await InlineAsync("seen_inline_now", "now:");

        await store.AppendAsync(Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes("now:a", "now:b", "not mine"), Metadata, Cancel);

        Assert.Equal(2, await projection.CountAsync());
    }

    [Fact]
    public async Task An_inline_projection_that_fails_refuses_the_append_and_nothing_is_written()
    {
        var (store, projection) = await InlineAsync("seen_inline_poison", "bad:", poison: "bad:poison");
        var stream = Guid.NewGuid();
        var before = await CountAllEventsAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.AppendAsync(stream, "test", ExpectedVersion.NoStream, TestEvents.Notes("bad:fine", "bad:poison"), Metadata, Cancel));

        Assert.Equal(before, await CountAllEventsAsync());
        Assert.Equal(0, await projection.CountAsync());
    }

    [Fact]
    public async Task A_rebuild_of_an_inline_projection_loses_no_append_made_while_it_runs()
    {
        var (store, projection) = await InlineAsync("seen_inline_rebuilt", "rb:");
        await store.AppendAsync(Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes("rb:1", "rb:2"), Metadata, Cancel);
        using var stop = new CancellationTokenSource();
        var appending = Task.Run(async () =>
        {
            var appended = 0;
            while (!stop.IsCancellationRequested)
            {
                await store.AppendAsync(Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes($"rb:{appended++}"), Metadata, CancellationToken.None);
            }

            return appended;
        }, Cancel);

        var daemon = new ProjectionDaemon(store, projection)
        {
            AfterRebuildLoad = () => store.AppendAsync(Guid.NewGuid(), "test", ExpectedVersion.NoStream, TestEvents.Notes("rb:during"), Metadata, Cancel),
        };
        await daemon.RebuildAsync(Cancel);
        await stop.CancelAsync();
        Assert.True(await appending > 0, "appends ran during the rebuild");

        Assert.Null(daemon.RebuildFailure);
        var expected = await Database.ScalarAsync<string>(
            "SELECT md5(string_agg(event_id::text, ',' ORDER BY event_id)) FROM ledger.events WHERE data->>'text' LIKE 'rb:%'");
        Assert.Equal(expected, await projection.ChecksumAsync());
    }

    private static AppendMetadata Metadata => new("test");

    /// <summary>A store of its own with the projection applied inline, so other tests' appends are not concerned.</summary>
    private async Task<(PostgresEventStore Store, SeenProjection Projection)> InlineAsync(string name, string prefix, string? poison = null)
    {
        var projection = await SeenProjection.CreateAsync(Database, name, poison: poison, only: prefix);
        var store = new PostgresEventStore(Database.DataSource, Store.Types);
        store.Inline.Register(projection);
        return (store, projection);
    }
}
