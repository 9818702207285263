namespace CoopLedger.Api.Tests.Security;

public sealed class SecurityHeadersTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/partnerships/00000000-0000-0000-0000-000000000001")]
    [InlineData("/no/such/route")]
    public async Task Every_answer_errors_included_forbids_sniffing_framing_and_referrers(string path)
    {
        var response = await api.CreateClient().GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
