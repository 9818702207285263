namespace CoopLedger.Domain.Partnerships.Partners;

/// <summary>What kind of partner joins.</summary>
public enum PartnerKind
{
    /// <summary>A foreign local authority.</summary>
    ForeignAuthority,

    /// <summary>A French local authority.</summary>
    FrenchAuthority,

    /// <summary>Another actor: a school, an association, OFQJ, a company.</summary>
    AssociatedActor,
}

/// <summary>A partner joined the partnership.</summary>
public sealed record PartnerJoined(Guid PartnerId, string Name, PartnerKind Kind, string? Country, string? Siren);

/// <summary>A partner left the partnership.</summary>
public sealed record PartnerLeft(Guid PartnerId);

/// <summary>A partner as it stands.</summary>
public sealed record Partner(Guid PartnerId, string Name, PartnerKind Kind, string? Country, string? Siren, bool Left);

/// <summary>A partner joins.</summary>
public sealed record JoinPartner(Guid PartnerId, string Name, PartnerKind Kind, string? Country, string? Siren)
{
    /// <summary>Refuses in an ended partnership, and a French authority without a valid SIREN.</summary>
    public Decision Decide(PartnershipState state)
    {
        state.RequireOpen("add a partner");
        if (Kind == PartnerKind.FrenchAuthority && !Registration.Siren.IsValid(Siren))
        {
            throw new CommandRefusedException("invalid-siren", "A French authority joins with a valid SIREN.");
        }

        return Decision.Record(new PartnerJoined(PartnerId, Name, Kind, Country, Siren));
    }
}

/// <summary>A partner leaves.</summary>
public sealed record LeavePartner(Guid PartnerId)
{
    /// <summary>Refuses a partner that has already left.</summary>
    public Decision Decide(PartnershipState state)
    {
        if (state.Partner(PartnerId).Left)
        {
            throw new CommandRefusedException("partner-left", $"Partner {PartnerId} has already left.");
        }

        return Decision.Record(new PartnerLeft(PartnerId));
    }
}
