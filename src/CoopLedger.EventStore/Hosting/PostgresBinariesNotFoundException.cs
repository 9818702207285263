namespace CoopLedger.EventStore.Hosting;

/// <summary>The PostgreSQL server programs could not be found; the message says how to install them.</summary>
public sealed class PostgresBinariesNotFoundException : Exception
{
    /// <summary>Creates the exception for the folders that were searched.</summary>
    public PostgresBinariesNotFoundException(IEnumerable<string> searched)
        : base(Explain(searched))
    {
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public PostgresBinariesNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public PostgresBinariesNotFoundException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception with the standard explanation.</summary>
    public PostgresBinariesNotFoundException() : this([])
    {
    }

    private static string Explain(IEnumerable<string> searched) =>
        $"""
        PostgreSQL server programs (initdb, pg_ctl, postgres) were not found; searched: {string.Join(", ", searched.DefaultIfEmpty("(nothing)"))}.
        Install them, then run again:
          Debian/Ubuntu:  sudo apt-get install -y postgresql
          Fedora/RHEL:    sudo dnf install -y postgresql-server
          macOS:          brew install postgresql@16
        Or name their folder in EmbeddedPostgres:BinDirectory (env EmbeddedPostgres__BinDirectory),
        or use an existing server by setting ConnectionStrings:CoopLedger (env ConnectionStrings__CoopLedger).
        """;
}
