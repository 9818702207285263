namespace CoopLedger.Api.Security;

/// <summary>
/// Headers every answer carries, errors included: the API serves JSON, CSV and the documentation page, none of which
/// should be sniffed as another type, framed by another site, or leak the page address in a referrer.
/// </summary>
/// <remarks>
/// No script policy: the Swagger UI page runs its own scripts. HTTPS and HSTS belong to the production front
/// (deploy/README.md), where TLS ends.
/// </remarks>
public static class SecurityHeaders
{
    /// <summary>Adds the headers to every answer.</summary>
    public static WebApplication UseCoopLedgerSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            // When the answer starts: an exception handler clears the headers set before it rewrites the answer.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                headers["Referrer-Policy"] = "no-referrer";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
