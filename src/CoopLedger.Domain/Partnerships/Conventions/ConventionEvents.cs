namespace CoopLedger.Domain.Partnerships.Conventions;

/// <summary>A cooperation convention was signed; it is valid from <paramref name="ValidFrom"/> to <paramref name="ValidTo"/> (open when null).</summary>
public sealed record ConventionSigned(Guid ConventionId, DateOnly SignedOn, DateOnly ValidFrom, DateOnly? ValidTo, string? Title);

/// <summary>A convention was renewed for a new validity period that follows the previous one.</summary>
public sealed record ConventionRenewed(Guid ConventionId, DateOnly SignedOn, DateOnly ValidFrom, DateOnly ValidTo);

/// <summary>A convention's terms were changed by an amendment (avenant), possibly moving the end of its current period.</summary>
public sealed record ConventionAmended(Guid ConventionId, DateOnly SignedOn, string Summary, DateOnly? ValidTo);
