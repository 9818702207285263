using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using CoopLedger.Api.Commands;
using CoopLedger.Api.Partnerships.ActionPlan;
using CoopLedger.Api.Partnerships.Audit;
using CoopLedger.Api.Partnerships.Conventions;
using CoopLedger.Api.Partnerships.Corrections;
using CoopLedger.Api.Partnerships.Funding;
using CoopLedger.Api.Partnerships.Lifecycle;
using CoopLedger.Api.Partnerships.Partners;
using CoopLedger.Api.Partnerships.Queries;
using CoopLedger.Api.Partnerships.Registration;
using CoopLedger.EventStore.Integrity;

namespace CoopLedger.Api.Partnerships;

/// <summary>Every partnership route of contract v1, by feature.</summary>
public static class PartnershipEndpoints
{
    private static readonly int[] CommandFailures = [409, 412, 413, 422];
    private static readonly string[] ProblemJson = ["application/problem+json"];
    private static readonly string[] Json = ["application/json"];

    /// <summary>Registers what the routes need.</summary>
    public static IServiceCollection AddPartnerships(this IServiceCollection services)
    {
        services.AddPartnershipLedger();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IdempotencyRecords>();
        services.AddSingleton<CommandExecutor>();
        services.AddSingleton<PartnershipHistory>();
        services.AddSingleton(typeof(KeptViews<>));
        services.AddSingleton(provider => new StreamVerifier(provider.GetRequiredService<Npgsql.NpgsqlDataSource>()));
        // Enumerations travel by name, as API.md lists them.
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>Maps <c>/api/partnerships</c>.</summary>
    public static WebApplication MapPartnerships(this WebApplication app)
    {
        var partnerships = app.MapGroup("/api/partnerships").WithTags("Partnerships")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        // Commands can also be refused (409), be stale (412), too large (413) or reuse a key (422).
        // Finally: after each route's own metadata, so that a route documenting its own success (201) keeps it.
        ((IEndpointConventionBuilder)partnerships).Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<HttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Post)))
            {
                return;
            }

            foreach (var status in CommandFailures)
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
            }

            if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode is >= 200 and < 300))
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CommandResponse), Json));
            }
        });
        partnerships
            .MapRegistration()
            .MapConventions()
            .MapActionPlan()
            .MapPartners()
            .MapFunding()
            .MapLifecycle()
            .MapCorrections()
            .MapPartnershipQueries()
            .MapHistory()
            .MapAudit();
        return app;
    }
}
