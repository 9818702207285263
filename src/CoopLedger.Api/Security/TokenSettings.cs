using System.Security.Cryptography;
using CoopLedger.EventStore.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace CoopLedger.Api.Security;

/// <summary>
/// Where tokens come from, read from the <c>Authentication</c> section: an OpenID Connect authority (production), or
/// a symmetric key shared by every instance (<c>SigningKey</c>, base64 of at least 32 random bytes), or, when neither
/// is configured, a key generated once and kept in the local data directory (for local use and <c>token</c>).
/// </summary>
public sealed record TokenSettings(string Issuer, string Audience, string? Authority, SymmetricSecurityKey? SigningKey)
{
    /// <summary>Keys still accepted, not used to sign (<c>PreviousSigningKeys</c>): a rotation's grace period.</summary>
    public IReadOnlyList<SymmetricSecurityKey> PreviousKeys { get; init; } = [];

    /// <summary>The claim carrying roles (<c>RoleClaim</c>, default <c>role</c>): authorities name it differently.</summary>
    public string RoleClaim { get; init; } = Claims.Role;

    /// <summary>Whether the authority's metadata must come over HTTPS (<c>RequireHttpsMetadata</c>, default true).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>The configuration section.</summary>
    public const string Section = "Authentication";

    private const int MinimumKeyBytes = 32;

    /// <summary>Reads the settings; generates the local key file on first use.</summary>
    public static TokenSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var issuer = NonEmpty(section["Issuer"]) ?? "coopledger";
        var audience = NonEmpty(section["Audience"]) ?? "coopledger-api";
        var roleClaim = NonEmpty(section["RoleClaim"]) ?? Claims.Role;
        if (NonEmpty(section["Authority"]) is { } authority)
        {
            return new TokenSettings(issuer, audience, authority, null)
            {
                RoleClaim = roleClaim,
                RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true),
            };
        }

        var keyFile = NonEmpty(section["SigningKeyFile"]);
        if (NonEmpty(section["SigningKey"]) is null && keyFile is null && NonEmpty(configuration.GetConnectionString("CoopLedger")) is not null)
        {
            // A configured database means a deployment: replicas generating keys of their own would refuse each
            // other's tokens, and a container would lose its key on restart.
            throw new InvalidOperationException("A configured database needs Authentication:Authority (OpenID Connect) or "
                + "Authentication:SigningKey (base64 of 32 random bytes, the same on every instance); see docs/SECURITY.md.");
        }

        var key = NonEmpty(section["SigningKey"]) is { } configured
            ? Decode(configured, "Authentication:SigningKey")
            : LocalKey(keyFile ?? DefaultKeyFile(configuration));
        return new TokenSettings(issuer, audience, null, new SymmetricSecurityKey(key))
        {
            RoleClaim = roleClaim,
            PreviousKeys = [.. section.GetSection("PreviousSigningKeys").GetChildren()
                .Select((previous, i) => new SymmetricSecurityKey(Decode(previous.Value ?? "", $"Authentication:PreviousSigningKeys:{i}")))],
        };
    }

    /// <summary>
    /// The settings of a service configured with <c>Authentication:SigningKey</c> = <paramref name="signingKey"/> and
    /// nothing else: what a process that starts the service with that key signs its tokens with.
    /// </summary>
    public static TokenSettings ForSigningKey(string signingKey) =>
        From(new ConfigurationBuilder().AddInMemoryCollection([new($"{Section}:SigningKey", signingKey)]).Build());

    /// <summary>A fresh key, base64, as <c>Authentication:SigningKey</c> expects it.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumKeyBytes));

    private static string DefaultKeyFile(IConfiguration configuration) => Path.Combine(
        NonEmpty(configuration["EmbeddedPostgres:DataDirectory"]) ?? EmbeddedPostgres.DefaultDataDirectory(), "signing-key");

    /// <summary>
    /// Reads the key file, or creates it when absent: written whole to an owner-only temporary file, then moved into
    /// place without overwriting, so that two processes starting at once agree and a crash never leaves half a key.
    /// </summary>
    private static byte[] LocalKey(string path)
    {
        if (!File.Exists(path))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(folder);
            var temporary = Path.Combine(folder, $".signing-key-{Guid.NewGuid():N}");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(new FileStream(temporary, options)))
            {
                writer.Write(NewKey());
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process put its key in place first: use theirs.
                File.Delete(temporary);
            }
        }

        return Decode(File.ReadAllText(path).Trim(), path);
    }

    private static byte[] Decode(string base64, string origin)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The signing key in {origin} is not base64.", e);
        }

        return key.Length >= MinimumKeyBytes
            ? key
            : throw new InvalidOperationException($"The signing key in {origin} has {key.Length} bytes; HS256 needs at least {MinimumKeyBytes}.");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
