using System.Collections.Immutable;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Domain.Partnerships;

/// <summary>
/// A partnership as its events make it: one stream per partnership. Built only by <see cref="PartnershipEvolution.Evolve"/>;
/// the lookups below are what the decisions share (a missing entity is a 404, a closed partnership a refusal).
/// </summary>
public sealed record PartnershipState
{
    /// <summary>Before the first event.</summary>
    public static PartnershipState Initial { get; } = new();

    /// <summary>Whether the partnership has been registered.</summary>
    public bool Exists { get; init; }

    /// <summary>The registration.</summary>
    public PartnershipRegistered? Registration { get; init; }

    /// <summary>The primary theme: the registration's, or the last assigned with priority 0.</summary>
    public ThemePath? PrimaryTheme { get; init; }

    /// <summary>The other themes by priority (1 first); assigning a theme again moves it.</summary>
    public ImmutableList<ThemeAssigned> OtherThemes { get; init; } = [];

    /// <summary>The conventions, by id, in signature order.</summary>
    public ImmutableDictionary<Guid, Convention> Conventions { get; init; } = ImmutableDictionary<Guid, Convention>.Empty;

    /// <summary>The challenges, by id.</summary>
    public ImmutableDictionary<Guid, Challenge> Challenges { get; init; } = ImmutableDictionary<Guid, Challenge>.Empty;

    /// <summary>The actions, by id.</summary>
    public ImmutableDictionary<Guid, PlanAction> Actions { get; init; } = ImmutableDictionary<Guid, PlanAction>.Empty;

    /// <summary>The order in which challenges and actions were added, for display.</summary>
    public ImmutableList<Guid> PlanOrder { get; init; } = [];

    /// <summary>The annual programmes, by year (a later adoption for a year replaces the earlier one).</summary>
    public ImmutableSortedDictionary<int, ImmutableList<Guid>> AnnualProgrammes { get; init; } = ImmutableSortedDictionary<int, ImmutableList<Guid>>.Empty;

    /// <summary>The partners that joined after registration.</summary>
    public ImmutableDictionary<Guid, Partner> Partners { get; init; } = ImmutableDictionary<Guid, Partner>.Empty;

    /// <summary>The funding lines.</summary>
    public ImmutableDictionary<Guid, FundingLine> Funding { get; init; } = ImmutableDictionary<Guid, FundingLine>.Empty;

    /// <summary>Whether suspended.</summary>
    public bool Suspended { get; init; }

    /// <summary>The end date of an explicit termination.</summary>
    public DateOnly? TerminatedOn { get; init; }

    /// <summary>Whether cancelled before any signature.</summary>
    public bool Cancelled { get; init; }

    /// <summary>
    /// The SIRENs of the French authorities taking part now: those registered, and those that joined and have not left.
    /// </summary>
    public IEnumerable<string> FrenchAuthoritySirens
    {
        get
        {
            foreach (var authority in Registration?.FrenchAuthorities ?? [])
            {
                yield return authority.Siren;
            }

            foreach (var partner in Partners.Values)
            {
                if (partner is { Kind: PartnerKind.FrenchAuthority, Left: false, Siren: { } siren })
                {
                    yield return siren;
                }
            }
        }
    }

    /// <summary>Whether the French authority with this SIREN takes part now (one of <see cref="FrenchAuthoritySirens"/>).</summary>
    public bool HasFrenchAuthority(string siren) => FrenchAuthoritySirens.Contains(siren, StringComparer.Ordinal);

    /// <summary>The status on a date: Active and Lapsed follow the conventions' validity, the others follow events.</summary>
    public PartnershipStatus StatusOn(DateOnly date) => this switch
    {
        { Cancelled: true } => PartnershipStatus.Cancelled,
        { TerminatedOn: { } end } when end <= date => PartnershipStatus.Terminated,
        { Suspended: true } => PartnershipStatus.Suspended,
        _ when Conventions.Values.Any(c => c.InForceOn(date)) => PartnershipStatus.Active,
        _ when Conventions.Values.Any(c => c.StartedBy(date)) => PartnershipStatus.Lapsed,
        _ => PartnershipStatus.Registered,
    };

    /// <summary>Refuses a command on a partnership that is not registered (404), terminated or cancelled (409).</summary>
    public void RequireOpen(string what)
    {
        RequireExists();
        if (Cancelled || TerminatedOn is not null)
        {
            throw new CommandRefusedException("partnership-ended", $"Cannot {what}: the partnership is {(Cancelled ? "cancelled" : "terminated")}.");
        }
    }

    /// <summary>Refuses a command on a partnership that is not registered (404).</summary>
    public void RequireExists()
    {
        if (!Exists)
        {
            throw new EntityNotFoundException("partnership", Guid.Empty);
        }
    }

    /// <summary>A convention, or a 404.</summary>
    public Convention Convention(Guid id) => Find(Conventions, id, "convention");

    /// <summary>A challenge, or a 404.</summary>
    public Challenge Challenge(Guid id) => Find(Challenges, id, "challenge");

    /// <summary>An action, or a 404.</summary>
    public PlanAction Action(Guid id) => Find(Actions, id, "action");

    /// <summary>A partner, or a 404.</summary>
    public Partner Partner(Guid id) => Find(Partners, id, "partner");

    /// <summary>An action in one of the statuses that allow <paramref name="what"/>; a 404 or a refusal otherwise.</summary>
    public PlanAction ActionIn(Guid id, string what, params ActionStatus[] allowed)
    {
        RequireOpen($"{what} an action");
        var action = Action(id);
        return allowed.Contains(action.Status)
            ? action
            : throw new CommandRefusedException($"action-{action.Status.ToString().ToLowerInvariant()}", $"Cannot {what} action {id}: it is {action.Status}.");
    }

    /// <summary>A funding line that has not been withdrawn; a 404 or a refusal otherwise.</summary>
    public FundingLine LiveFunding(Guid id, string what)
    {
        RequireOpen($"{what} funding");
        var line = Find(Funding, id, "funding");
        return line.Withdrawn ? throw new CommandRefusedException("funding-withdrawn", $"Cannot {what} funding {id}: it was withdrawn.") : line;
    }

    private T Find<T>(ImmutableDictionary<Guid, T> entities, Guid id, string kind)
    {
        RequireExists();
        return entities.TryGetValue(id, out var entity) ? entity : throw new EntityNotFoundException(kind, id);
    }
}
