namespace CoopLedger.Domain.Partnerships.Funding;

/// <summary>Who funds.</summary>
public enum FunderKind
{
    /// <summary>The State (e.g. the foreign ministry's calls for projects).</summary>
    State,

    /// <summary>A French local authority.</summary>
    FrenchAuthority,

    /// <summary>A foreign local authority.</summary>
    ForeignAuthority,

    /// <summary>The European Union.</summary>
    EuropeanUnion,

    /// <summary>A school (lycée, university).</summary>
    School,

    /// <summary>An association.</summary>
    Association,

    /// <summary>A company.</summary>
    Company,

    /// <summary>Anyone else.</summary>
    Other,
}

/// <summary>Through which mechanism the money comes.</summary>
public enum FundingMechanism
{
    /// <summary>The authority's general budget.</summary>
    GeneralBudget,

    /// <summary>"1% eau" (Oudin-Santini law, 2005).</summary>
    OnePercentWater,

    /// <summary>"1% énergie" (2006).</summary>
    OnePercentEnergy,

    /// <summary>"1% déchets" (2014).</summary>
    OnePercentWaste,

    /// <summary>"1% mobilité" (2019).</summary>
    OnePercentMobility,

    /// <summary>A ministry call for projects.</summary>
    MinistryCall,

    /// <summary>European funds.</summary>
    EuropeanFunds,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>A funder: name and kind.</summary>
public sealed record Funder(string Name, FunderKind Kind);

/// <summary>Funding was committed for a year, in exact euros; part of it may come from the 1% water mechanism.</summary>
public sealed record FundingCommitted(
    Guid FundingId, Funder Funder, decimal Amount, int Year, FundingMechanism Mechanism, decimal? OnePercentWaterAmount, bool InKind);

/// <summary>A funding line's amount was revised.</summary>
public sealed record FundingRevised(Guid FundingId, decimal Amount, decimal? OnePercentWaterAmount, string Reason);

/// <summary>A funding line was withdrawn.</summary>
public sealed record FundingWithdrawn(Guid FundingId, string Reason);
