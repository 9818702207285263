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
    public async Task A_failing_migration_leaves_the_schema_untouched()
    {
        await using var dataSource = LedgerDataSource.Create(await cluster.CreateDatabaseAsync("broken", Cancel));
        Migration[] broken = [.. LedgerMigrations.All, new("ledger", 99, "broken", "CREATE TABLE ledger.oops (; ")];

        await Assert.ThrowsAsync<PostgresException>(() => new SchemaMigrator(dataSource, broken).MigrateAsync(Cancel));

        await using var exists = dataSource.CreateCommand("SELECT to_regclass('ledger.events') IS NULL");
        Assert.Equal(true, await exists.ExecuteScalarAsync(Cancel));
    }
}
