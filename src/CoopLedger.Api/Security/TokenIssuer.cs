using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Security;

/// <summary>What a locally issued token says about its holder.</summary>
/// <param name="Subject">Who: becomes the <c>actor</c> of the events they record.</param>
/// <param name="Roles">One or more of <see cref="Security.Roles"/>.</param>
/// <param name="Sirens">The officer's authorities.</param>
/// <param name="Lifetime">How long the token is valid.</param>
/// <param name="Name">A display name, never logged.</param>
public sealed record TokenRequest(string Subject, IReadOnlyList<string> Roles, IReadOnlyList<string> Sirens, TimeSpan Lifetime, string? Name = null);

/// <summary>Signs tokens with the locally configured key (the <c>token</c> verb, the demo seeding, tests).</summary>
public sealed class TokenIssuer(TokenSettings settings, TimeProvider clock)
{
    /// <summary>A signed JWT for the request.</summary>
    public string Issue(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = settings.SigningKey
            ?? throw new InvalidOperationException("Tokens come from the configured OpenID Connect authority; this service signs none.");
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new(Claims.Subject, request.Subject) };
        claims.AddRange(request.Roles.Select(role => new Claim(Claims.Role, role)));
        claims.AddRange(request.Sirens.Select(siren => new Claim(Claims.Siren, siren)));
        if (request.Name is { Length: > 0 } name)
        {
            claims.Add(new Claim(Claims.Name, name));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + request.Lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
