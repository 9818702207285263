using CoopLedger.EventStore;
using CoopLedger.EventStore.Schema;
using Npgsql;
using Xunit;

namespace CoopLedger.Testing;

/// <summary>A fresh database, migrated, for one test class: classes never see each other's data.</summary>
public sealed class TestDatabase(PostgresCluster cluster) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    /// <summary>The database's connection string.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>A data source on the database.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not ready.");

    /// <summary>Runs one SQL statement and returns the first column of the first row.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        ConnectionString = await cluster.CreateDatabaseAsync("test");
        _dataSource = LedgerDataSource.Create(ConnectionString);
        await new SchemaMigrator(_dataSource, LedgerMigrations.All).MigrateAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
