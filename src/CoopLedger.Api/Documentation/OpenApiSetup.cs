using Microsoft.OpenApi;

namespace CoopLedger.Api.Documentation;

/// <summary>The generated OpenAPI document at <c>/openapi/v1.json</c> and Swagger UI over it at <c>/swagger</c>.</summary>
public static class OpenApiSetup
{
    /// <summary>Registers the document generator.</summary>
    public static IServiceCollection AddCoopLedgerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options => options.AddSchemaTransformer<OneOfSchemaTransformer>().AddOperationTransformer<ExampleTransformer>().AddOperationTransformer<SecurityTransformer>().AddDocumentTransformer<SecurityTransformer>().AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CoopLedger";
            document.Info.Version = "v1";
            document.Info.Description =
                "The auditable history of decentralised-cooperation partnerships between French local authorities and their foreign partners.";
            document.Info.License = new OpenApiLicense { Name = "Proprietary" };
            // Relative: the API is the service that serves this document, wherever it is deployed (the generator would
            // add the request's own base URL, with a trailing slash, and a fixed address is right on one machine only).
            document.Servers = [new OpenApiServer { Url = "/" }];
            document.Tags = new HashSet<OpenApiTag>
            {
                new() { Name = "Partnerships", Description = "Commands that record a partnership's history, and its state at any date." },
            };
            return Task.CompletedTask;
        }));

    /// <summary>Maps the document and the UI.</summary>
    public static WebApplication MapCoopLedgerOpenApi(this WebApplication app)
    {
        // The contract is public: clients read it before they hold a token. Mapped before authentication runs,
        // so the UI's middleware answers too.
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "CoopLedger v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "CoopLedger API";
        });
        return app;
    }
}
