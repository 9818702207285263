using Npgsql;

namespace CoopLedger.EventStore;

/// <summary>The one place that says how a data source for the event store is configured.</summary>
public static class LedgerDataSource
{
    /// <summary>A builder with the store's settings applied; the caller may add logging and build it.</summary>
    public static NpgsqlDataSourceBuilder CreateBuilder(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The store never changes session state, and the DISCARD ALL a reset sends would throw away the cached
        // plans of ledger.append on every pooled use: it measured at half the append throughput.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // Statements the store repeats (the append call, stream reads) are prepared once per pooled connection.
        builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        return builder;
    }

    /// <summary>A data source with the store's settings.</summary>
    public static NpgsqlDataSource Create(string connectionString) => CreateBuilder(connectionString).Build();
}
