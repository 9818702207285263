using System.Diagnostics;

namespace CoopLedger.Api.Errors;

/// <summary>Every error the service returns is an RFC 9457 problem details document.</summary>
public static class ProblemDetailsSetup
{
    /// <summary>Registers problem details and the exception handlers that produce them.</summary>
    public static IServiceCollection AddCoopLedgerProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        // Make model binding throw on a malformed body so that the handler above can name the field at fault;
        // by default it would answer a bare 400 outside Development.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>Adds the middleware: exceptions and bare status codes (404, 405, ...) become problem details.</summary>
    public static WebApplication UseCoopLedgerProblemDetails(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimit>();
        return app;
    }
}
