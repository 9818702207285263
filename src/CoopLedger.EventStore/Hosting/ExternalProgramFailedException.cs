namespace CoopLedger.EventStore.Hosting;

/// <summary>An external program (initdb, pg_ctl, ...) exited with an error; the message carries its output.</summary>
public sealed class ExternalProgramFailedException : Exception
{
    /// <summary>Creates the exception from what the program printed.</summary>
    public ExternalProgramFailedException(string program, IEnumerable<string> arguments, int exitCode, string output)
        : base($"{program} {string.Join(' ', arguments)} exited with code {exitCode}:{Environment.NewLine}{output.Trim()}")
    {
        ExitCode = exitCode;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public ExternalProgramFailedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public ExternalProgramFailedException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ExternalProgramFailedException()
    {
    }

    /// <summary>The program's exit code.</summary>
    public int ExitCode { get; }
}
