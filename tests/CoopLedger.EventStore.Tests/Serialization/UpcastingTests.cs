using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Serialization;

public sealed class UpcastingTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task An_event_stored_at_an_old_schema_version_is_upcast_on_read()
    {
        var stream = Guid.NewGuid();
        var oldBuild = new PostgresEventStore(Database.DataSource, new EventTypeRegistry().Register<PricedV1>("priced", schemaVersion: 1));
        await oldBuild.AppendAsync(stream, "test", ExpectedVersion.NoStream, [new NewEvent(new PricedV1(17100.00m))], TestEvents.By("alice"), Cancel);

        var read = Assert.Single(await Store.ReadStreamAsync(stream, null, Cancel));

        Assert.Equal(1, read.SchemaVersion);
        Assert.Equal(new Priced(17100.00m, "EUR"), read.Data);
    }

    [Fact]
    public async Task Events_are_stored_under_their_stable_name_and_version_never_a_CLR_name()
    {
        var stream = Guid.NewGuid();

        await AppendAsync(stream, ExpectedVersion.NoStream, new NewEvent(new Priced(600m, "EUR")));

        Assert.Equal("priced/2", await Database.ScalarAsync<string>("SELECT type || '/' || schema_version FROM ledger.events WHERE stream_id = $1", stream));
        Assert.Equal("""{"amount": 600, "currency": "EUR"}""", await Database.ScalarAsync<string>("SELECT data::text FROM ledger.events WHERE stream_id = $1", stream));
    }

    [Fact]
    public async Task An_unknown_stored_type_is_surfaced_not_dropped()
    {
        var stream = Guid.NewGuid();
        var newerBuild = new PostgresEventStore(Database.DataSource, TestEvents.Registry().Register<Renamed2>("renamed_twice"));
        await newerBuild.AppendAsync(stream, "test", ExpectedVersion.NoStream, [new NewEvent(new Renamed2("x"))], TestEvents.By("alice"), Cancel);

        var unknown = await Assert.ThrowsAsync<UnknownEventTypeException>(() => Store.ReadStreamAsync(stream, null, Cancel));

        Assert.Equal("renamed_twice", unknown.TypeName);
    }

    [Fact]
    public void Registering_a_name_twice_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => TestEvents.Registry().Register<Renamed2>("noted"));
    }

    public sealed record Renamed2(string Name);
}
