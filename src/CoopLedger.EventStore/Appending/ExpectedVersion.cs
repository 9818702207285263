using System.Globalization;

namespace CoopLedger.EventStore.Appending;

/// <summary>What the writer believes the stream's version is; checked inside PostgreSQL under the stream's lock.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>No check: append at whatever version the stream is.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(0);

    /// <summary>The stream must be exactly at <paramref name="version"/> (0 meaning it does not exist).</summary>
    public static ExpectedVersion Exactly(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return new ExpectedVersion(version);
    }

    /// <summary>-1 for any, otherwise the version, as the append function takes it.</summary>
    public long Value { get; }

    /// <inheritdoc />
    public override string ToString() => Value < 0 ? "any" : Value.ToString(CultureInfo.InvariantCulture);
}
