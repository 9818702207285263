using Npgsql;

namespace CoopLedger.Api.Hosting;

/// <summary>
/// Which database the service uses: the configured connection string, or the embedded cluster's once it has
/// started. The data source is built from it on first use, after the hosted services have started.
/// </summary>
public sealed class DatabaseEndpoint(string? configuredConnectionString)
{
    /// <summary>The connection string in force, or null while the embedded cluster has not started.</summary>
    public string? ConnectionString { get; internal set; } =
        string.IsNullOrWhiteSpace(configuredConnectionString) ? null : configuredConnectionString;

    /// <summary>True when the service must start its own PostgreSQL.</summary>
    public bool IsEmbedded { get; } = string.IsNullOrWhiteSpace(configuredConnectionString);

    /// <summary>Where the database is, for logs: host, port and database, never the password.</summary>
    public string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"Host={builder.Host};Port={builder.Port};Database={builder.Database};Username={builder.Username}";
    }
}
