using System.Text.Json.Serialization;
using CoopLedger.Api.Commands;
using CoopLedger.Api.Partnerships.ActionPlan;
using CoopLedger.Api.Partnerships.Conventions;
using CoopLedger.Api.Partnerships.Funding;
using CoopLedger.Api.Partnerships.Lifecycle;
using CoopLedger.Api.Partnerships.Partners;
using CoopLedger.Api.Partnerships.Queries;
using CoopLedger.Api.Partnerships.Registration;

namespace CoopLedger.Api.Partnerships;

/// <summary>Every partnership route of contract v1, by feature.</summary>
public static class PartnershipEndpoints
{
    /// <summary>Registers what the routes need.</summary>
    public static IServiceCollection AddPartnerships(this IServiceCollection services)
    {
        services.AddPartnershipLedger();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IdempotencyRecords>();
        services.AddSingleton<CommandExecutor>();
        services.AddSingleton<PartnershipHistory>();
        // Enumerations travel by name, as API.md lists them.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>Maps <c>/api/partnerships</c>.</summary>
    public static WebApplication MapPartnerships(this WebApplication app)
    {
        app.MapGroup("/api/partnerships").WithTags("Partnerships")
            .MapRegistration()
            .MapConventions()
            .MapActionPlan()
            .MapPartners()
            .MapFunding()
            .MapLifecycle()
            .MapPartnershipQueries();
        return app;
    }
}
