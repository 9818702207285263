namespace CoopLedger.Domain.Partnerships.Conventions;

/// <summary>Sign a new convention.</summary>
public sealed record SignConvention(Guid ConventionId, DateOnly SignedOn, DateOnly ValidFrom, DateOnly? ValidTo, string? Title)
{
    /// <summary>Refuses a convention of an ended partnership and a period that ends before it starts.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("sign a convention");
        Periods.RequireOrdered(ValidFrom, ValidTo);
        return Decision.Record(new ConventionSigned(ConventionId, SignedOn, ValidFrom, ValidTo, Title));
    }
}

/// <summary>Renew a convention for a new period.</summary>
public sealed record RenewConvention(Guid ConventionId, DateOnly SignedOn, DateOnly ValidFrom, DateOnly ValidTo)
{
    /// <summary>Refuses renewing in an ended partnership, or a period starting before the previous one's start.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("renew a convention");
        var convention = state.Convention(ConventionId);
        Periods.RequireOrdered(ValidFrom, ValidTo);
        if (ValidFrom < convention.Current.From)
        {
            throw new CommandRefusedException("renewal-before-previous",
                $"The renewal starts on {ValidFrom:yyyy-MM-dd}, before the previous period's start {convention.Current.From:yyyy-MM-dd}.");
        }

        return Decision.Record(new ConventionRenewed(ConventionId, SignedOn, ValidFrom, ValidTo));
    }
}

/// <summary>Amend a convention's terms.</summary>
public sealed record AmendConvention(Guid ConventionId, DateOnly SignedOn, string Summary, DateOnly? ValidTo)
{
    /// <summary>Refuses amending in an ended partnership or moving an end before the start of the period signed in.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("amend a convention");
        var convention = state.Convention(ConventionId);
        Periods.RequireOrdered(convention.Periods[convention.PeriodIndexOn(SignedOn)].From, ValidTo);
        return Decision.Record(new ConventionAmended(ConventionId, SignedOn, Summary, ValidTo));
    }
}

internal static class Periods
{
    public static void RequireOrdered(DateOnly from, DateOnly? to)
    {
        if (to < from)
        {
            throw new CommandRefusedException("period-reversed", $"The validity ends on {to:yyyy-MM-dd}, before it starts on {from:yyyy-MM-dd}.");
        }
    }
}
