namespace CoopLedger.Domain.Partnerships.Lifecycle;

/// <summary>The partnership was suspended.</summary>
public sealed record PartnershipSuspended(string? Reason);

/// <summary>A suspended partnership resumed.</summary>
public sealed record PartnershipResumed(string? Reason);

/// <summary>The partnership was ended explicitly, on an end date.</summary>
public sealed record PartnershipTerminated(DateOnly EndDate, string? Reason);

/// <summary>The partnership was dropped before any convention was signed.</summary>
public sealed record PartnershipCancelled(string? Reason);
