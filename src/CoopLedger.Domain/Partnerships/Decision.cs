namespace CoopLedger.Domain.Partnerships;

/// <summary>What a command decided: the events to record and warnings for the officer (which do not refuse it).</summary>
public sealed record Decision(IReadOnlyList<object> Events, IReadOnlyList<string> Warnings)
{
    /// <summary>A decision recording these events, with no warning.</summary>
    public static Decision Record(params object[] events) => new(events, []);

    /// <summary>Adds a warning.</summary>
    public Decision Warn(string warning) => this with { Warnings = [.. Warnings, warning] };
}
