using CoopLedger.Api.Health;
using CoopLedger.Api.Projections;

namespace CoopLedger.Api.Reports;

/// <summary>What the report routes need besides their data source.</summary>
public static class ReportServices
{
    /// <summary>Registers the whole lists kept in parts, and the warm-up that keeps them ready (after the projection daemons).</summary>
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        AddWholeList(services, ActionsPerChallengeReport.WholeList);
        AddWholeList(services, ActivePartnershipsReport.WholeList);
        services.AddSingleton<PartsWarming>();
        services.AddHostedService(provider => provider.GetRequiredService<PartsWarming>());
        services.AddHealthChecks().AddCheck<WholeListsReadinessCheck>("whole lists", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    private static void AddWholeList<TRow>(IServiceCollection services, Func<ReportDataSource, WholeList<TRow>> list)
    {
        services.AddSingleton(provider => list(provider.GetRequiredService<ReportDataSource>()));
        services.AddSingleton<IWholeList>(provider => provider.GetRequiredService<WholeList<TRow>>());
    }
}
