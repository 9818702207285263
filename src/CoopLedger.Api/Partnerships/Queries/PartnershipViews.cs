using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>A partnership at <c>asOf</c>, as known at <c>knownAt</c>; money as strings with two decimals.</summary>
public sealed record PartnershipView(
    Guid Id, long Version, DateOnly AsOf, DateTimeOffset KnownAt, string Title, PartnershipForm Form, PartnershipStatus Status,
    IReadOnlyList<FrenchAuthority> FrenchAuthorities, IReadOnlyList<ForeignPartner> ForeignPartners, IEnumerable<PartnerView> Partners,
    IReadOnlyList<string>? PrimaryTheme, IEnumerable<ThemeView> Themes, IEnumerable<ConventionView> Conventions, IEnumerable<FundingView> Funding);

/// <summary>A theme other than the primary one, with its priority (1 first).</summary>
public sealed record ThemeView(IReadOnlyList<string> Theme, int Priority);

/// <summary>A partner that joined.</summary>
public sealed record PartnerView(Guid PartnerId, string Name, PartnerKind Kind, string? Country, string? Siren, bool Left);

/// <summary>A convention: its first period, then each renewal's, and its amendments.</summary>
public sealed record ConventionView(
    Guid ConventionId, string? Title, DateOnly SignedOn, DateOnly ValidFrom, DateOnly? ValidTo,
    IEnumerable<PeriodView> Renewals, IEnumerable<AmendmentView> Amendments);

/// <summary>A validity period.</summary>
public sealed record PeriodView(DateOnly ValidFrom, DateOnly? ValidTo);

/// <summary>An amendment.</summary>
public sealed record AmendmentView(DateOnly SignedOn, string Summary, DateOnly? ValidTo);

/// <summary>A funding line.</summary>
public sealed record FundingView(
    Guid FundingId, Funder Funder, string Amount, int Year, FundingMechanism Mechanism, string? OnePercentWaterAmount, bool InKind, bool Withdrawn);

/// <summary>The plan at <c>asOf</c>, as known at <c>knownAt</c>.</summary>
public sealed record PlanView(DateOnly AsOf, DateTimeOffset KnownAt, IEnumerable<ChallengeView> Challenges, IEnumerable<AnnualProgrammeView> AnnualProgrammes);

/// <summary>A challenge with its actions.</summary>
public sealed record ChallengeView(Guid ChallengeId, string Title, bool Retired, IEnumerable<ActionView> Actions);

/// <summary>An action.</summary>
public sealed record ActionView(Guid ActionId, string Title, ActionStatus Status, int? PostponedTo, string? AbandonReason);

/// <summary>The actions retained for a year.</summary>
public sealed record AnnualProgrammeView(int Year, IReadOnlyList<Guid> ActionIds);
