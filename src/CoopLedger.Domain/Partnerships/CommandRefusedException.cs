namespace CoopLedger.Domain.Partnerships;

/// <summary>A domain rule refuses a command; nothing is written. The code is stable, the message is for people.</summary>
public sealed class CommandRefusedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public CommandRefusedException(string code, string message) : base(message) => Code = code;

    /// <summary>Creates a refusal with a plain message.</summary>
    public CommandRefusedException(string message) : this("refused", message)
    {
    }

    /// <summary>Creates a refusal with a plain message and its cause.</summary>
    public CommandRefusedException(string message, Exception inner) : base(message, inner) => Code = "refused";

    /// <summary>Creates a refusal.</summary>
    public CommandRefusedException() : this("refused", "The command was refused.")
    {
    }

    /// <summary>A stable code naming the rule, e.g. <c>partnership-terminated</c>.</summary>
    public string Code { get; }
}
