using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Security;

/// <summary>
/// Bearer tokens (JWT): validated against the configured OpenID Connect authority or the shared signing key, with
/// issuer, audience, lifetime and signature all required. A missing or invalid token answers 401 as problem details.
/// </summary>
public static class AuthenticationSetup
{
    /// <summary>Registers authentication, authorization, the token issuer, the write rate limiter and the request limits.</summary>
    public static WebApplicationBuilder AddCoopLedgerSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(_ => TokenSettings.From(builder.Configuration));
        services.AddSingleton<TokenIssuer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<TokenSettings, TimeProvider>(Configure);
        services.AddCoopLedgerAuthorization();
        services.AddWriteRateLimit(builder.Configuration);
        services.AddCoopLedgerRequestLimits(builder.Configuration);
        return builder;
    }

    /// <summary>Authenticates, authorizes, rate-limits and times requests, after routing has chosen the endpoint.</summary>
    public static WebApplication UseCoopLedgerSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCoopLedgerRequestLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static void Configure(JwtBearerOptions options, TokenSettings settings, TimeProvider clock)
    {
        // Valid tokens are kept until they expire: clients send the same one with each request (KeptTokens).
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(KeptTokens.Default(clock));
        // Claims keep the names the token gives them (sub, role, siren), not WS-* URIs.
        options.MapInboundClaims = false;
        options.Audience = settings.Audience;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAudience = settings.Audience,
            ValidateIssuer = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = Claims.Subject,
            RoleClaimType = settings.RoleClaim,
        };
        if (settings.Authority is { } authority)
        {
            // The authority's discovery document names its issuer and keys, and rotates them.
            options.Authority = authority;
            options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        }
        else
        {
            options.TokenValidationParameters.ValidIssuer = settings.Issuer;
            options.TokenValidationParameters.IssuerSigningKeys = [settings.SigningKey!, .. settings.PreviousKeys];
            options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }

        options.Events = new JwtBearerEvents { OnChallenge = ChallengeAsync };
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
            ? "Bearer"
            : "Bearer error=\"invalid_token\"";
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "A valid bearer token is required.",
                Detail = context.AuthenticateFailure is null
                    ? "Send Authorization: Bearer <token>."
                    : "The token is expired, not yet valid, or not signed for this service.",
            },
        });
    }
}
