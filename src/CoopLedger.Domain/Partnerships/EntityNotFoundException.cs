namespace CoopLedger.Domain.Partnerships;

/// <summary>A command names a partnership, convention, challenge, action, partner or funding line that does not exist.</summary>
public sealed class EntityNotFoundException : Exception
{
    /// <summary>Creates the exception for an entity kind and id.</summary>
    public EntityNotFoundException(string kind, Guid id) : base($"Unknown {kind} {id}.")
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public EntityNotFoundException(string message) : base(message) => Kind = "entity";

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public EntityNotFoundException(string message, Exception inner) : base(message, inner) => Kind = "entity";

    /// <summary>Creates the exception.</summary>
    public EntityNotFoundException() => Kind = "entity";

    /// <summary>What was not found: partnership, convention, challenge, action, partner, funding.</summary>
    public string Kind { get; }

    /// <summary>The unknown id.</summary>
    public Guid Id { get; }
}
