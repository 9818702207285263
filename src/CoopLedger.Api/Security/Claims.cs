namespace CoopLedger.Api.Security;

/// <summary>The claims CoopLedger reads from a token, as the token carries them (no inbound renaming).</summary>
public static class Claims
{
    /// <summary>The holder's stable id; the events' actor.</summary>
    public const string Subject = "sub";

    /// <summary>A role (see <see cref="Roles"/>), repeated for several.</summary>
    public const string Role = "role";

    /// <summary>The SIREN of an authority the officer acts for, repeated for several.</summary>
    public const string Siren = "siren";

    /// <summary>A display name.</summary>
    public const string Name = "name";
}
