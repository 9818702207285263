namespace CoopLedger.Api.Security;

/// <summary>The roles a token can carry (claim <c>role</c>, one or several).</summary>
public static class Roles
{
    /// <summary>An officer of one or more French local authorities (claims <c>siren</c>): writes their partnerships.</summary>
    public const string Officer = "officer";

    /// <summary>A ministry auditor: reads everything, history, exports and integrity; writes nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>A dashboard: reads the reports and the partnership list only.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>An operator: projection rebuilds and operations; no business data.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Officer, Auditor, Dashboard, Admin];
}
