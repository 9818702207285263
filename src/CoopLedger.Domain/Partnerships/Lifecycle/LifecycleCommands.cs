namespace CoopLedger.Domain.Partnerships.Lifecycle;

/// <summary>Suspend the partnership.</summary>
public sealed record SuspendPartnership(string? Reason)
{
    /// <summary>Refuses suspending an ended or already suspended partnership.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("suspend the partnership");
        return state.Suspended
            ? throw new CommandRefusedException("already-suspended", "The partnership is already suspended.")
            : Decision.Record(new PartnershipSuspended(Reason));
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
    /// <summary>Refuses ending an ended partnership.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("terminate the partnership");
        return Decision.Record(new PartnershipTerminated(EndDate, Reason));
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
