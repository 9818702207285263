namespace CoopLedger.EventStore.Hosting;

/// <summary>How the embedded PostgreSQL cluster is laid out and started.</summary>
public sealed record EmbeddedPostgresOptions
{
    /// <summary>
    /// Folder that holds the cluster (<c>pgdata/</c>) and its generated password. Kept between runs unless
    /// <see cref="Throwaway"/>. Defaults to the user's data folder (or <c>/var/lib/coopledger</c> for root).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Folder holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>; found automatically when null.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>A throwaway cluster lives in a fresh temporary folder that is deleted when it stops.</summary>
    public bool Throwaway { get; init; }

    /// <summary>
    /// False turns fsync and synchronous commit off: fast, and safe only for data one can lose (tests).
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>The database the service uses, created when missing.</summary>
    public string DatabaseName { get; init; } = "coopledger";

    /// <summary>
    /// The unprivileged OS user that owns and runs the cluster when this process runs as root
    /// (PostgreSQL refuses to run as root). Defaults to <c>postgres</c> when it exists, else <c>nobody</c>.
    /// </summary>
    public string? RunAsUser { get; init; }
}
