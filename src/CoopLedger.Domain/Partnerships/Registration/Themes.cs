namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>A theme was assigned: priority 0 makes it the primary theme, 1 and up rank the other themes.</summary>
public sealed record ThemeAssigned(ThemePath Theme, int Priority);

/// <summary>Assign a theme.</summary>
public sealed record AssignTheme(ThemePath Theme, int Priority)
{
    /// <summary>Refuses in an ended partnership and a negative priority.</summary>
    public Decision Decide(PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RequireOpen("assign a theme");
        return Priority < 0
            ? throw new CommandRefusedException("priority-negative", "Priority 0 is the primary theme; others rank from 1.")
            : Decision.Record(new ThemeAssigned(Theme, Priority));
    }
}
