using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>The service with the write rate limit out of the way: the fuzzer's thousands of commands should reach validation.</summary>
public sealed class FuzzApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("RateLimiting:WriteBurst", "1000000");
        builder.UseSetting("RateLimiting:WritesPerSecond", "1000000");
    }
}
