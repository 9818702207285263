using Microsoft.AspNetCore.Authorization;

namespace CoopLedger.Api.Security;

/// <summary>
/// Who may call which family of routes. Every route declares one of these (the extension methods below); a route that
/// declares none still requires a valid token (the fallback policy), and only health and documentation are anonymous.
/// </summary>
public static class Policies
{
    /// <summary>Commands: officers, each then scoped to its authorities' partnerships by <see cref="AuthorityScope"/>.</summary>
    public const string Write = "write";

    /// <summary>One partnership's state, plan and history: officers (who need event ids to correct) and auditors.</summary>
    public const string ReadPartnership = "read-partnership";

    /// <summary>Reports and the partnership list: dashboards, officers and auditors.</summary>
    public const string ReadReports = "read-reports";

    /// <summary>Integrity checks over the hash chain: auditors.</summary>
    public const string Audit = "audit";

    /// <summary>Projection rebuilds: admins.</summary>
    public const string Operate = "operate";

    /// <summary>Projection status (positions and lag, no business data): any role.</summary>
    public const string Status = "status";

    /// <summary>The roles each policy admits; the documentation lists them on every operation.</summary>
    public static IReadOnlyDictionary<string, string[]> RolesOf { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Write] = [Roles.Officer],
        [ReadPartnership] = [Roles.Officer, Roles.Auditor],
        [ReadReports] = [Roles.Officer, Roles.Auditor, Roles.Dashboard],
        [Audit] = [Roles.Auditor],
        [Operate] = [Roles.Admin],
        [Status] = [.. Roles.All],
    };

    /// <summary>Registers the policies.</summary>
    public static IServiceCollection AddCoopLedgerAuthorization(this IServiceCollection services)
    {
        // Every holder needs a subject: it becomes the events' actor and keys the rate limit (a client-credentials
        // token of a provider may lack one).
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(Claims.Subject).Build());
        foreach (var (policy, roles) in RolesOf)
        {
            authorization.AddPolicy(policy, builder => builder.RequireClaim(Claims.Subject).RequireRole(roles));
        }

        return services;
    }

    /// <summary>A command: officers only, rate-limited per token.</summary>
    public static TBuilder ForOfficers<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(Write).RequireRateLimiting(WriteRateLimit.PolicyName);

    /// <summary>A read of one partnership.</summary>
    public static TBuilder ForPartnershipReaders<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(ReadPartnership);

    /// <summary>A report or the list.</summary>
    public static TBuilder ForReportReaders<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(ReadReports);

    /// <summary>An integrity check.</summary>
    public static TBuilder ForAuditors<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(Audit);

    /// <summary>An operation.</summary>
    public static TBuilder ForAdmins<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(Operate);

    /// <summary>Operational status.</summary>
    public static TBuilder ForAnyRole<TBuilder>(this TBuilder route) where TBuilder : IEndpointConventionBuilder =>
        route.RequireAuthorization(Status);
}
