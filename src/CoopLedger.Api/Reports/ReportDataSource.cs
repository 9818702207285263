using CoopLedger.Api.Hosting;
using CoopLedger.EventStore;
using Npgsql;

namespace CoopLedger.Api.Reports;

/// <summary>
/// The connections reports and lists read through: they plan every query with its actual dates. A prepared report
/// otherwise falls back to PostgreSQL's generic plan, which guesses that a date range matches one row and joins
/// thousands of partnerships by nested index scans: 48 s instead of 15 ms for the active partnerships of a past date
/// at 10,000 partnerships (measured). Planning each time costs well under a millisecond.
/// </summary>
/// <remarks>
/// Without JIT compilation: a report's plan can be estimated above <c>jit_above_cost</c> while it reads a few hundred
/// rows (a page of the partnership list, whose limit the estimate does not see), and compiling its expressions then
/// took 30 ms of a 7 ms query, at every request (measured at 10,000 partnerships).
/// </remarks>
public sealed class ReportDataSource(NpgsqlDataSource source) : IAsyncDisposable
{
    /// <summary>A command on a pooled report connection.</summary>
    public NpgsqlCommand CreateCommand(string sql) => source.CreateCommand(sql);

    /// <summary>Registers it, over the service's database.</summary>
    public static IServiceCollection AddReportDataSource(IServiceCollection services) =>
        services.AddSingleton(provider =>
        {
            var builder = LedgerDataSource.CreateBuilder(provider.GetRequiredService<DatabaseEndpoint>().ConnectionString
                ?? throw new InvalidOperationException("The embedded PostgreSQL cluster has not started."));
            builder.ConnectionStringBuilder.Options = "-c plan_cache_mode=force_custom_plan -c jit=off";
            // Beside the ledger's pool, over the same server: a quarter of its size (25 by default), so that the two
            // together stay near PostgreSQL's default max_connections (100) rather than doubling it.
            builder.ConnectionStringBuilder.MaxPoolSize = Math.Max(4, builder.ConnectionStringBuilder.MaxPoolSize / 4);
            return new ReportDataSource(builder.UseLoggerFactory(provider.GetRequiredService<ILoggerFactory>()).Build());
        });

    /// <inheritdoc />
    public ValueTask DisposeAsync() => source.DisposeAsync();
}
