using System.Security.Claims;
using CoopLedger.EventStore.Reading;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Security;

/// <summary>
/// Validates bearer tokens with <paramref name="inner"/> and keeps each valid one's identity until the token expires,
/// and for at most <see cref="KeptFor"/>: a client sends the same token with every request, and parsing it and checking
/// its signature again was 5–8% of the service's CPU. A token differing by one character is another key, validated in
/// full; a token is never kept past its own expiry (its validation would accept it for the clock skew longer).
/// </summary>
/// <remarks>
/// What keeping costs: a signing key the authority withdraws still admits the tokens validated with it for up to
/// <see cref="KeptFor"/>. Each answer is a copy of the kept identity, so that nothing a request adds to its principal
/// reaches another request.
/// </remarks>
public sealed class KeptTokens(TokenHandler inner, TimeProvider clock) : TokenHandler
{
    /// <summary>The longest a validated token is kept without being validated again.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(5);

    /// <summary>How many tokens are kept at most: at that bound every one is forgotten, and validated again at its next use.</summary>
    private const int Capacity = 10_000;

    private readonly Memo<string, Kept> _kept = new(Capacity);

    /// <summary>The handler the service uses: the JSON web token handler, claims named as the token names them.</summary>
    public static KeptTokens Default(TimeProvider clock) => new(new JsonWebTokenHandler { MapInboundClaims = false }, clock);

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (token is not null && _kept.TryGet(token, out var kept) && now < kept.Until)
        {
            return new TokenValidationResult { IsValid = true, ClaimsIdentity = kept.Identity.Clone(), SecurityToken = kept.Token };
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (token is not null && result is { IsValid: true, ClaimsIdentity: { } identity, SecurityToken: { } validated })
        {
            var expiry = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            _kept.Keep(token, new Kept(identity.Clone(), validated, expiry < now + KeptFor ? expiry : now + KeptFor));
        }

        return result;
    }

    /// <inheritdoc />
    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    private sealed record Kept(ClaimsIdentity Identity, SecurityToken Token, DateTimeOffset Until);
}
