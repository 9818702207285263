namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>Register a new partnership.</summary>
public sealed record RegisterPartnership(
    Guid PartnershipId,
    string Title,
    PartnershipForm Form,
    IReadOnlyList<FrenchAuthority> FrenchAuthorities,
    IReadOnlyList<ForeignPartner> ForeignPartners,
    ThemePath? PrimaryTheme)
{
    /// <summary>Refuses a second registration and a partnership without a French authority or a foreign partner.</summary>
    public Decision Decide(PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Exists)
        {
            throw new CommandRefusedException("already-registered", $"Partnership {PartnershipId} is already registered.");
        }

        if (FrenchAuthorities.Count == 0 || ForeignPartners.Count == 0)
        {
            throw new CommandRefusedException("parties-missing", "A partnership needs at least one French authority and one foreign partner.");
        }

        if (FrenchAuthorities.FirstOrDefault(a => !Siren.IsValid(a.Siren)) is { } invalid)
        {
            throw new CommandRefusedException("invalid-siren", $"SIREN {invalid.Siren} is not valid.");
        }

        return Decision.Record(new PartnershipRegistered(PartnershipId, Title, Form, FrenchAuthorities, ForeignPartners, PrimaryTheme));
    }
}
