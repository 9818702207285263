namespace CoopLedger.Domain.Partnerships.Funding;

/// <summary>Commit funding. <paramref name="On"/> is the command's business date, to check for a convention in force.</summary>
public sealed record CommitFunding(
    Guid FundingId, Funder Funder, decimal Amount, int Year, FundingMechanism Mechanism, decimal? OnePercentWaterAmount, bool InKind, DateOnly On)
{
    /// <summary>The warning given when no convention is in force: the law asks for one only "where appropriate".</summary>
    public const string NoConventionWarning = "No convention is in force on this date; the funding is recorded, but a convention is expected where appropriate (law of 7 July 2014).";

    /// <summary>Refuses non-positive amounts, a water part above the amount, a year out of range; warns without a convention.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("commit funding");
        Amounts.Require(Amount, OnePercentWaterAmount);
        var decision = Decision.Record(new FundingCommitted(
            FundingId, Funder, Amount, Years.Require(Year, "Funding year"), Mechanism, OnePercentWaterAmount, InKind));
        return state.Conventions.Values.Any(c => c.InForceOn(On)) ? decision : decision.Warn(NoConventionWarning);
    }
}

/// <summary>Revise a funding line's amount.</summary>
public sealed record ReviseFunding(Guid FundingId, decimal Amount, decimal? OnePercentWaterAmount, string Reason)
{
    /// <summary>Refuses revising a withdrawn line and the same amount rules as a commitment.</summary>
    public Decision Decide(PartnershipState state)
    {
        var line = state.LiveFunding(FundingId, "revise");
        Amounts.Require(Amount, OnePercentWaterAmount);
        return Decision.Record(new FundingRevised(line.FundingId, Amount, OnePercentWaterAmount, Reason));
    }
}

/// <summary>Withdraw a funding line.</summary>
public sealed record WithdrawFunding(Guid FundingId, string Reason)
{
    /// <summary>Refuses withdrawing twice.</summary>
    public Decision Decide(PartnershipState state) =>
        Decision.Record(new FundingWithdrawn(state.LiveFunding(FundingId, "withdraw").FundingId, Reason));
}

internal static class Amounts
{
    public static void Require(decimal amount, decimal? water)
    {
        if (amount <= 0)
        {
            throw new CommandRefusedException("amount-not-positive", $"The amount must be positive; it is {amount:0.00} €.");
        }

        if (decimal.Round(amount, 2) != amount || (water is { } w && decimal.Round(w, 2) != w))
        {
            throw new CommandRefusedException("amount-not-cents", "Amounts are in euros with at most two decimals.");
        }

        if (water is < 0 || water > amount)
        {
            throw new CommandRefusedException("water-part-invalid", $"The 1% water part ({water:0.00} €) must be between 0 and the amount ({amount:0.00} €).");
        }
    }
}
