namespace CoopLedger.EventStore.Events;

/// <summary>
/// A stored event whose type name (or schema version, lacking an upcaster) this build does not know. It is
/// surfaced, never silently dropped: skipping it would fold a wrong state.
/// </summary>
public sealed class UnknownEventTypeException : Exception
{
    /// <summary>Creates the exception for a type name and schema version.</summary>
    public UnknownEventTypeException(string typeName, int schemaVersion)
        : base($"Stored event type '{typeName}' at schema version {schemaVersion} is not known to this build (no registration or upcaster).")
    {
        TypeName = typeName;
        SchemaVersion = schemaVersion;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public UnknownEventTypeException(string message) : base(message) => TypeName = "";

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public UnknownEventTypeException(string message, Exception inner) : base(message, inner) => TypeName = "";

    /// <summary>Creates the exception.</summary>
    public UnknownEventTypeException() => TypeName = "";

    /// <summary>The unknown stored type name.</summary>
    public string TypeName { get; }

    /// <summary>The schema version that could not be read.</summary>
    public int SchemaVersion { get; }
}
