namespace CoopLedger.Api.Documentation;

/// <summary>
/// Marks a string field of a request as taking the names of an enumeration, so that the OpenAPI document lists
/// them. The field stays a string so that a wrong value is answered with a 400 naming it, not a parse failure.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class OneOfAttribute(Type enumeration) : Attribute
{
    /// <summary>The enumeration whose names are allowed.</summary>
    public Type Enumeration { get; } = enumeration;
}
