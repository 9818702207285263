using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Schema;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Schema;

public sealed class SchemaMigratorTests(PostgresCluster cluster)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instances_starting_together_apply_each_migration_exactly_once()
    {
        await using var dataSource = LedgerDataSource.Create(await cluster.CreateDatabaseAsync("migrate", Cancel));

        var runs = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(_ => new SchemaMigrator(dataSource, LedgerMigrations.All).MigrateAsync(Cancel)));

        Assert.Equal(LedgerMigrations.All.Count, runs.Sum(applied => applied.Count));
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM ledger.migrations");
        Assert.Equal((long)LedgerMigrations.All.Count, await count.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task A_fresh_database_reports_every_migration_pending_and_none_once_migrated()
    {
        await using var dataSource = LedgerDataSource.Create(await cluster.CreateDatabaseAsync("pending", Cancel));
        var migrator = new SchemaMigrator(dataSource, LedgerMigrations.All);

        Assert.Equal(LedgerMigrations.All.Count, (await migrator.PendingAsync(Cancel)).Count);
        await migrator.MigrateAsync(Cancel);
        Assert.Empty(await migrator.PendingAsync(Cancel));
        Assert.Empty(await migrator.MigrateAsync(Cancel));
    }

    [Fact]
    public async Task Upgrading_to_the_log_order_keeps_the_order_projections_have_read_and_their_checkpoints()
    {
        await using var dataSource = LedgerDataSource.Create(await cluster.CreateDatabaseAsync("logorder", Cancel));
        await new SchemaMigrator(dataSource, LedgerMigrations.All.Where(m => m.Version < 5)).MigrateAsync(Cancel);
        var stream = Guid.NewGuid();
        // Several statements: a literal id (no parameters), written as the append wrote rows before the log order.
        await using (var before = dataSource.CreateCommand($$"""
            INSERT INTO ledger.streams VALUES ('{{stream}}', 'test', 1, now(), now());
            INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at, actor, hash)
            VALUES (gen_random_uuid(), '{{stream}}', 1, 't', 1, '{}', now(), now(), 'a', '\x00');
            INSERT INTO ledger.projection_checkpoints (name, transaction_id, position) SELECT 'seen', transaction_id, position FROM ledger.events;
            """))
        {
            await before.ExecuteNonQueryAsync(Cancel);
        }

        await new SchemaMigrator(dataSource, LedgerMigrations.All).MigrateAsync(Cancel);

        await using var kept = dataSource.CreateCommand("""
            SELECT e.log_order = e.transaction_id AND (c.log_order, c.position) = (e.log_order, e.position)
            FROM ledger.events e, ledger.projection_checkpoints c
            """);
        Assert.Equal(true, await kept.ExecuteScalarAsync(Cancel));
        var store = new PostgresEventStore(dataSource, TestEvents.Registry());
        await store.AppendAsync(stream, TestEvents.StreamType, ExpectedVersion.Exactly(1), TestEvents.Notes("after"), TestEvents.By("alice"), Cancel);
        await using var ordered = dataSource.CreateCommand("SELECT bool_and(log_order >= transaction_id) AND count(*) = 2 FROM ledger.events");
        Assert.Equal(true, await ordered.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task A_failing_migration_leaves_the_schema_untouched()
    {
        await using var dataSource = LedgerDataSource.Create(await cluster.CreateDatabaseAsync("broken", Cancel));
        Migration[] broken = [.. LedgerMigrations.All, new("ledger", 99, "broken", "CREATE TABLE ledger.oops (; ")];

        await Assert.ThrowsAsync<PostgresException>(() => new SchemaMigrator(dataSource, broken).MigrateAsync(Cancel));

        await using var exists = dataSource.CreateCommand("SELECT to_regclass('ledger.events') IS NULL");
        Assert.Equal(true, await exists.ExecuteScalarAsync(Cancel));
    }
}
