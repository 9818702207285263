using System.Collections.Immutable;

namespace CoopLedger.Domain.Partnerships.Conventions;

/// <summary>A validity period; an open end means "until further notice".</summary>
public sealed record ValidityPeriod(DateOnly From, DateOnly? To)
{
    /// <summary>Whether the period covers a date.</summary>
    public bool Covers(DateOnly date) => From <= date && (To is null || date <= To);
}

/// <summary>A convention as it stands: its periods (the signed one, then each renewal) and its amendments.</summary>
public sealed record Convention(
    Guid ConventionId, string? Title, DateOnly SignedOn, ImmutableList<ValidityPeriod> Periods, ImmutableList<ConventionAmended> Amendments)
{
    /// <summary>The period in force last.</summary>
    public ValidityPeriod Current => Periods[^1];

    /// <summary>The index of the period an act signed on <paramref name="date"/> belongs to: the last one started by then (else the first).</summary>
    public int PeriodIndexOn(DateOnly date)
    {
        var index = Periods.FindLastIndex(p => p.From <= date);
        return index < 0 ? 0 : index;
    }

    /// <summary>Whether the convention is in force on a date.</summary>
    public bool InForceOn(DateOnly date) => Periods.Any(p => p.Covers(date));

    /// <summary>Whether its first period has started by a date.</summary>
    public bool StartedBy(DateOnly date) => Periods[0].From <= date;
}
