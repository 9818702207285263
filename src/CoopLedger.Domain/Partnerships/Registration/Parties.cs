namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>A French local authority of the partnership, identified by its SIREN.</summary>
public sealed record FrenchAuthority(string Siren, string Name, AuthorityKind? Kind);

/// <summary>A foreign local authority: a name and an ISO 3166-1 alpha-2 country.</summary>
public sealed record ForeignPartner(string Name, string Country, string? Kind);

/// <summary>A three-level theme label path, e.g. Economie durable › Attractivité des territoires › Pôles de compétitivité.</summary>
public sealed record ThemePath(IReadOnlyList<string> Labels)
{
    /// <summary>Value equality over the labels.</summary>
    public bool Equals(ThemePath? other) => other is not null && Labels.SequenceEqual(other.Labels);

    /// <inheritdoc />
    public override int GetHashCode() => Labels.Aggregate(0, (hash, label) => HashCode.Combine(hash, label));
}
