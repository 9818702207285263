namespace CoopLedger.EventStore.Appending;

/// <summary>An append whose expected version did not match the stream's; nothing was written.</summary>
public sealed class StreamVersionConflictException : Exception
{
    /// <summary>Creates the exception for a stream, what was expected and what was found.</summary>
    public StreamVersionConflictException(Guid streamId, ExpectedVersion expected, long actual)
        : base($"Stream {streamId} was expected at version {expected} but is at version {actual}.")
    {
        StreamId = streamId;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public StreamVersionConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public StreamVersionConflictException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public StreamVersionConflictException()
    {
    }

    /// <summary>The stream.</summary>
    public Guid StreamId { get; }

    /// <summary>The version the writer expected.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's actual version.</summary>
    public long Actual { get; }
}
