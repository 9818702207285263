using CoopLedger.Api.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Tests.Security;

/// <summary>
/// A valid token is validated in full once, then answered from what was kept until it expires or for five minutes at
/// most; an invalid token is never kept, and a token that differs by one character is validated in full.
/// </summary>
public sealed class KeptTokensTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly TokenRequest Officer = new("kept-officer", [Roles.Officer], ["214202186"], TimeSpan.FromHours(1));

    private TokenValidationParameters Parameters =>
        api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;

    [Fact]
    public async Task A_valid_token_is_validated_once_and_each_answer_has_an_identity_of_its_own()
    {
        var (kept, inner, _) = Handler();
        var token = api.Token(Officer);

        var first = await kept.ValidateTokenAsync(token, Parameters);
        var second = await kept.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid && second.IsValid);
        Assert.Equal(1, inner.Validations);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal("kept-officer", second.ClaimsIdentity.Name);
        Assert.Equal(first.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)), second.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)));
        Assert.Same(first.SecurityToken, second.SecurityToken);
    }

    [Fact]
    public async Task A_kept_token_is_validated_again_once_it_expires_or_after_five_minutes()
    {
        // Issued before the handler's clock starts: issuing the first token starts the test host, which can take seconds
        // on a loaded machine, and a clock started before would then reach the brief token's expiry that much late.
        var lasting = api.Token(Officer);
        var brief = api.Token(Officer with { Lifetime = TimeSpan.FromMinutes(2) });
        var (kept, inner, clock) = Handler();
        await kept.ValidateTokenAsync(lasting, Parameters);
        await kept.ValidateTokenAsync(brief, Parameters);

        clock.Now += TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1);
        await kept.ValidateTokenAsync(lasting, Parameters);
        Assert.Equal(2, inner.Validations);
        await kept.ValidateTokenAsync(brief, Parameters);
        Assert.Equal(3, inner.Validations);

        clock.Now += KeptTokens.KeptFor;
        await kept.ValidateTokenAsync(lasting, Parameters);
        Assert.Equal(4, inner.Validations);
    }

    [Fact]
    public async Task An_invalid_token_is_never_kept_and_one_character_off_a_kept_one_is_refused()
    {
        var (kept, inner, _) = Handler();
        var token = api.Token(Officer);
        Assert.True((await kept.ValidateTokenAsync(token, Parameters)).IsValid);
        var forged = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        Assert.False((await kept.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.False((await kept.ValidateTokenAsync(forged, Parameters)).IsValid);
        Assert.Equal(3, inner.Validations);
    }

    private static (KeptTokens Kept, CountingHandler Inner, TestClock Clock) Handler()
    {
        var (inner, clock) = (new CountingHandler(), new TestClock(DateTimeOffset.UtcNow));
        return (new KeptTokens(inner, clock), inner, clock);
    }

    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return _handler.ValidateTokenAsync(token, validationParameters);
        }
    }

    private sealed class TestClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
