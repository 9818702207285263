namespace CoopLedger.Domain.Partnerships.Funding;

/// <summary>A funding line as it stands.</summary>
public sealed record FundingLine(
    Guid FundingId, Funder Funder, decimal Amount, int Year, FundingMechanism Mechanism, decimal? OnePercentWaterAmount, bool InKind, bool Withdrawn);
