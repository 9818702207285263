using System.Security.Claims;
using CoopLedger.Domain.Partnerships;

namespace CoopLedger.Api.Security;

/// <summary>
/// An officer writes only where one of its authorities (its <c>siren</c> claims) is a French authority of the
/// partnership: as the partnership stands before the command, or, for a registration, as the command would make it.
/// </summary>
public static class AuthorityScope
{
    /// <summary>Refuses (403) a caller none of whose authorities takes part in <paramref name="partnership"/>.</summary>
    public static void RequireWriteAccess(this ClaimsPrincipal caller, PartnershipState partnership)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(partnership);
        foreach (var siren in caller.FindAll(Claims.Siren))
        {
            if (partnership.HasFrenchAuthority(siren.Value))
            {
                return;
            }
        }

        throw new OutOfScopeException(partnership.Registration?.PartnershipId);
    }
}

/// <summary>The caller may not write to this partnership: none of its authorities takes part in it. Nothing was written.</summary>
public sealed class OutOfScopeException : Exception
{
    /// <summary>For a partnership.</summary>
    public OutOfScopeException(Guid? partnershipId)
        : base(partnershipId is { } id
            ? $"None of your authorities (SIREN) is a French authority of partnership {id}."
            : "None of your authorities (SIREN) is among the French authorities of this registration.")
    {
    }

    /// <summary>With a message.</summary>
    public OutOfScopeException(string message) : base(message)
    {
    }

    /// <summary>With a message and a cause.</summary>
    public OutOfScopeException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Without details.</summary>
    public OutOfScopeException() : base("None of your authorities (SIREN) takes part in this partnership.")
    {
    }
}
