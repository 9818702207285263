using CoopLedger.EventStore.GlobalLog;

namespace CoopLedger.Api.Projections;

/// <summary>Where a projection stands: whether it runs, its tables' generation, its checkpoint, and the database's clock once they were read.</summary>
public sealed record ProjectionStanding(bool Running, long Generation, LogCheckpoint Checkpoint, DateTimeOffset Clock);

/// <summary>Every partnership's part (its rows serialized, comma-separated) at a checkpoint of a generation of the tables.</summary>
public sealed record KeptParts(long Generation, LogCheckpoint Checkpoint, PartsInOrder Of)
{
    /// <summary>Whether these parts hold at least what the projection's tables hold at that standing.</summary>
    public bool Hold(ProjectionStanding standing) => Generation == standing.Generation && Checkpoint >= standing.Checkpoint;
}

/// <summary>
/// A whole list on one day as kept: its parts, when it was last asked for and last brought up to date, and how to read
/// partnerships' parts into it and write an answer from them.
/// </summary>
public sealed class KeptList(string projection, KeptList.Reader read, Func<PartsInOrder, IResult> answer)
{
    /// <summary><paramref name="into"/> with the parts of <paramref name="partnerships"/> (of all when null) read again, as known at an instant.</summary>
    public delegate Task<PartsInOrder> Reader(Guid[]? partnerships, PartsInOrder into, DateTimeOffset knownAt, CancellationToken cancellationToken);

    /// <summary>The projection it is read from.</summary>
    public string Projection => projection;

    /// <summary>Reads parts.</summary>
    public Reader Read => read;

    /// <summary>The answer written from parts.</summary>
    public IResult Answer(PartsInOrder parts) => answer(parts);

    /// <summary>One reading at a time: requests arriving meanwhile find the parts current instead of all reading them.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>The parts, once read (set in turn).</summary>
    public KeptParts? Parts { get; set; }

    /// <summary>When a request last asked for it (<see cref="Environment.TickCount64"/>; 0 never).</summary>
    public long LastAsked { get; set; }

    /// <summary>When its parts were last brought up to date.</summary>
    public long LastKept { get; set; }

    /// <summary>Whether it is kept warm whether asked or not (the default request of the day).</summary>
    public bool Warm { get; set; }
}
