namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>A partnership was registered.</summary>
public sealed record PartnershipRegistered(
    Guid PartnershipId,
    string Title,
    PartnershipForm Form,
    IReadOnlyList<FrenchAuthority> FrenchAuthorities,
    IReadOnlyList<ForeignPartner> ForeignPartners,
    ThemePath? PrimaryTheme);
