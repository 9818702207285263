namespace CoopLedger.Domain.Partnerships.Lifecycle;

/// <summary>Suspend the partnership, on a business day.</summary>
public sealed record SuspendPartnership(string? Reason, DateOnly On)
{
    /// <summary>Only an Active partnership can be suspended (Active ⇄ Suspended).</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("suspend the partnership");
        return state.StatusOn(On) switch
        {
            PartnershipStatus.Active => Decision.Record(new PartnershipSuspended(Reason)),
            PartnershipStatus.Suspended => throw new CommandRefusedException("already-suspended", "The partnership is already suspended."),
            var status => throw new CommandRefusedException("not-active", $"Only an active partnership can be suspended; on {On:yyyy-MM-dd} it is {status}."),
        };
    }
}

/// <summary>Resume a suspended partnership.</summary>
public sealed record ResumePartnership(string? Reason)
{
    /// <summary>Refuses resuming a partnership that is not suspended.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("resume the partnership");
        return state.Suspended
            ? Decision.Record(new PartnershipResumed(Reason))
            : throw new CommandRefusedException("not-suspended", "The partnership is not suspended.");
    }
}

/// <summary>End the partnership on a date.</summary>
public sealed record TerminatePartnership(DateOnly EndDate, string? Reason)
{
    /// <summary>Refuses ending an ended partnership, and one that never had a convention in force by then (cancel it instead).</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("terminate the partnership");
        return state.StatusOn(EndDate) is PartnershipStatus.Registered
            ? throw new CommandRefusedException("never-active", $"No convention was in force by {EndDate:yyyy-MM-dd}: a partnership dropped before any signature is cancelled, not terminated.")
            : Decision.Record(new PartnershipTerminated(EndDate, Reason));
    }
}

/// <summary>Drop a partnership before any signature.</summary>
public sealed record CancelPartnership(string? Reason)
{
    /// <summary>Refuses cancelling once a convention has been signed: that partnership is terminated instead.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("cancel the partnership");
        return state.Conventions.Count > 0
            ? throw new CommandRefusedException("convention-signed", "A partnership with a signed convention is terminated, not cancelled.")
            : Decision.Record(new PartnershipCancelled(Reason));
    }
}
