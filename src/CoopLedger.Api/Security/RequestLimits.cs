using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Timeouts;

namespace CoopLedger.Api.Security;

/// <summary>
/// Limits on what a request may make the service do, beyond the body size (<see cref="Errors.RequestBodyLimit"/>):
/// request bodies are read strictly (an unknown property is a 400 naming it, so that a misspelt optional field is
/// never silently dropped) and shallowly (JSON nested deeper than <see cref="MaxJsonDepth"/> is a 400), and every
/// request has <c>Requests:TimeoutSeconds</c> (30 by default) before it is cut with a 504.
/// </summary>
public static class RequestLimits
{
    /// <summary>The deepest JSON a body may nest; the deepest command body (an action plan, a correction) needs 6.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>Registers the limits.</summary>
    public static IServiceCollection AddCoopLedgerRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.MaxDepth = MaxJsonDepth;
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        });
        var timeout = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Requests:TimeoutSeconds", 30)));
        return services.AddRequestTimeouts(options => options.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = timeout,
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
    }

    /// <summary>Starts every request's clock.</summary>
    public static WebApplication UseCoopLedgerRequestLimits(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRequestTimeouts();
        return app;
    }
}
