using CoopLedger.Api.Commands;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Hosting;
using CoopLedger.EventStore.Schema;
using CoopLedger.Projections;
using Npgsql;

namespace CoopLedger.Api.Hosting;

/// <summary>Wires the database: a configured server, or an embedded cluster when none is configured.</summary>
public static class DatabaseSetup
{
    /// <summary>The configuration key of the connection string (env <c>ConnectionStrings__CoopLedger</c>).</summary>
    public const string ConnectionStringName = "CoopLedger";

    /// <summary>Registers the database endpoint, the embedded cluster when needed, the data source and migrations.</summary>
    public static WebApplicationBuilder AddCoopLedgerDatabase(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var endpoint = new DatabaseEndpoint(builder.Configuration.GetConnectionString(ConnectionStringName));
        services.AddSingleton(endpoint);
        services.AddSingleton<IEnumerable<Migration>>([.. LedgerMigrations.All, .. ApiMigrations.All, .. ReadModelMigrations.All]);

        // Hosted services start in registration order: the cluster first, then the migrations, then Kestrel.
        if (endpoint.IsEmbedded)
        {
            var options = builder.Configuration.GetSection("EmbeddedPostgres");
            services.AddSingleton(new EmbeddedPostgresOptions
            {
                DataDirectory = NullIfEmpty(options["DataDirectory"]),
                BinDirectory = NullIfEmpty(options["BinDirectory"]),
                Port = options.GetValue<int>("Port"),
            });
            services.AddHostedService<EmbeddedPostgresService>();
        }

        services.AddSingleton(provider => LedgerDataSource.CreateBuilder(
                provider.GetRequiredService<DatabaseEndpoint>().ConnectionString
                ?? throw new InvalidOperationException("The embedded PostgreSQL cluster has not started."))
            .UseLoggerFactory(provider.GetRequiredService<ILoggerFactory>())
            .Build());
        Reports.ReportDataSource.AddReportDataSource(services);
        services.AddSingleton<Projections.AnswerCache>();
        services.AddSingleton<Projections.PartnershipParts>();
        services.AddSingleton(provider => new SchemaMigrator(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<IEnumerable<Migration>>()));
        services.AddHostedService<MigrationService>();
        return builder;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
