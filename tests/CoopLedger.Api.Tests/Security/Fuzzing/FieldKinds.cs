namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>What a body field holds, by its name in contract v1: the fuzzer picks values that cannot be valid for it.</summary>
internal enum FieldKind
{
    Text,
    Code,
    Date,
    Instant,
    Money,
    Integer,
    Id,
    Flag,
    List,
    Object,
}

internal static class FieldKinds
{
    public static FieldKind Of(string name) => name switch
    {
        "title" or "name" or "summary" or "reason" => FieldKind.Text,
        "form" or "kind" or "mechanism" or "country" or "siren" => FieldKind.Code,
        "signedOn" or "validFrom" or "validTo" or "endDate" or "from" or "to" => FieldKind.Date,
        "effectiveAt" => FieldKind.Instant,
        "amount" or "onePercentWaterAmount" => FieldKind.Money,
        "year" or "toYear" or "priority" => FieldKind.Integer,
        "challengeId" or "correctsEventId" => FieldKind.Id,
        "inKind" => FieldKind.Flag,
        "funder" => FieldKind.Object,
        _ => FieldKind.List,
    };
}
