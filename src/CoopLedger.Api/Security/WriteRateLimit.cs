using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CoopLedger.Api.Security;

/// <summary>
/// Commands are rate-limited per token holder (the subject), so that one runaway client cannot crowd out the other
/// authorities: a token bucket of <c>RateLimiting:WriteBurst</c> commands refilled at <c>RateLimiting:WritesPerSecond</c>.
/// Beyond it: 429 with <c>Retry-After</c>, nothing written. Reads are not limited here.
/// </summary>
public static class WriteRateLimit
{
    /// <summary>The policy name commands require.</summary>
    public const string PolicyName = "writes-per-token";

    /// <summary>Registers the limiter.</summary>
    public static IServiceCollection AddWriteRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("RateLimiting");
        var perSecond = Math.Max(1, section.GetValue("WritesPerSecond", 50));
        var burst = Math.Max(1, section.GetValue("WriteBurst", 100));
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.FindFirst(Claims.Subject)?.Value ?? "",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            options.OnRejected = RejectAsync;
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many commands from this token.",
                Detail = $"Retry after {seconds} s; nothing was recorded.",
            },
        });
    }
}
