using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;

namespace CoopLedger.Api.Tests.Security;

/// <summary>The service with tight limits, to see them bite: 3 commands in a burst per token, 1 s per request.</summary>
public sealed class LimitedApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimiting:WriteBurst", "3");
        builder.UseSetting("RateLimiting:WritesPerSecond", "1");
        builder.UseSetting("Requests:TimeoutSeconds", "1");
    }
}
