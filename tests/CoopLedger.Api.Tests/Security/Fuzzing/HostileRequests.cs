using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>One generated request: a valid command made invalid by at least one mutation, plus harmless ones.</summary>
internal sealed record HostileRequest(CommandTemplate Template, IReadOnlyList<Mutation> Mutations)
{
    public RequestDraft Draft(Guid partnershipId)
    {
        var draft = new RequestDraft(Template, partnershipId);
        foreach (var mutation in Mutations)
        {
            mutation.Apply(draft);
        }

        return draft;
    }

    public override string ToString() => $"POST {Template} with {string.Join("; ", Mutations)}";
}

/// <summary>A change to a request; <see cref="Invalidating"/> ones can never leave a valid command.</summary>
internal sealed record Mutation(string Description, bool Invalidating, Action<RequestDraft> Apply)
{
    public override string ToString() => Description.Length > 160 ? $"{Description[..160]}…" : Description;
}

/// <summary>The generators: wrong types, missing fields, huge strings, deep JSON, SQL and script payloads, invalid dates,
/// absurd money, unknown enumeration values, unknown properties, broken JSON, bad headers and paths.</summary>
internal static class HostileRequests
{
    private static readonly string[] Payloads =
    [
        "'; DROP TABLE ledger.events; --", "1' OR '1'='1", "\" OR \"\"=\"", "Robert'); DELETE FROM ledger.streams;--",
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "${jndi:ldap://x/a}", "{{7*7}}",
        "=HYPERLINK(\"http://x\")", "../../etc/passwd", "%00", "\u0000\u0001\u001f", "\u202Eevil", "𝕏😀", "\uFEFF", "NaN", "null",
    ];

    private static readonly string[] BadDates =
    [
        "2016-13-45", "2016-02-30", "0000-00-00", "1949-12-31", "2101-01-01", "0001-01-01", "9999-12-31", "yesterday", "",
        "2016-01-01T25:00:00Z", "16-01-01", "2016/01/01", "+275760-09-13", "2016-01-01'; --",
    ];

    private static readonly string[] BadInstants =
    [
        "2016-13-45", "0001-01-01", "9999-12-31", "1949-12-31", "2016-01-01T09:00:00", "2016-01-01T25:00:00+01:00", "now", "",
        "2016-01-01T09:00:00+25:00", "1e10",
    ];

    private static readonly string[] BadMoney =
    [
        "-0.001", "1e9", "NaN", "Infinity", "-Infinity", "١٢٣.٠٠", "100", "100.000", "100,00", "99999999999999.00", "0x10.00",
        " 100.00", "100.00\n", "€100.00", "100.00 EUR", "-5.00", "-99999999.99", "", "1.7976931348623157E+308",
    ];

    private static readonly string[] BadCodes = ["twinning", "TWINNING", "Twinning ", "", "0", "1", "XX", "tn", "FRA", "000000000", "123456789"];

    private static readonly JsonNode?[] NotText = [42, true, new JsonObject(), new JsonArray(), 1.5];

    /// <summary>The arbitrary requests, over the given templates.</summary>
    public static Arbitrary<HostileRequest> Arbitrary(IReadOnlyList<CommandTemplate> templates) =>
        Gen.Elements(templates.ToArray()).SelectMany(Request).ToArbitrary();

    private static Gen<HostileRequest> Request(CommandTemplate template) =>
        from invalidating in Gen.Frequency(
            (6, FieldMutation(template)),
            (2, StructureMutation(template)),
            (1, HeaderOrPathMutation(template)))
        from count in Gen.Choose(0, 2)
        from neutral in Gen.ListOf(NeutralMutation(template), count)
        // The invalidating change last, so that no harmless one undoes it.
        select new HostileRequest(template, [.. neutral, invalidating]);

    /// <summary>A field of the body given a value it cannot take.</summary>
    private static Gen<Mutation> FieldMutation(CommandTemplate template)
    {
        var fields = JsonPaths.Of(template.Body()).ToArray();
        if (fields.Length == 0)
        {
            return StructureMutation(template);
        }

        return Gen.Elements(fields).SelectMany(field => WrongValue(field.Kind).Select(value =>
            new Mutation($"{field.Path} = {Show(value)}", true, draft => JsonPaths.Set(draft.Body, field.Path, value?.DeepClone()))));
    }

    private static Gen<JsonNode?> WrongValue(FieldKind kind) => kind switch
    {
        FieldKind.Text => Gen.OneOf(Huge(), Gen.Elements(NotText)),
        FieldKind.Code => Gen.OneOf(Strings(Payloads), Strings(BadCodes), Huge(), Gen.Elements(NotText)),
        FieldKind.Date => Gen.OneOf(Strings(BadDates), Strings(Payloads), Gen.Elements<JsonNode?>(20160101, true, new JsonObject())),
        FieldKind.Instant => Gen.OneOf(Strings(BadInstants), Strings(Payloads), Gen.Elements(NotText)),
        FieldKind.Money => Gen.OneOf(Strings(BadMoney), Strings(Payloads), Gen.Elements<JsonNode?>(17100, 17100.5, -1, true)),
        FieldKind.Integer => Gen.OneOf(Strings(Payloads), Gen.Elements<JsonNode?>(
            "twenty", 1.5, 1e30, -2147483649L, 99999999999L, -1, true, new JsonObject(), new JsonArray())),
        FieldKind.Id => Gen.OneOf(Strings(Payloads), Gen.Elements<JsonNode?>("not-a-guid", "00000000-0000-0000-0000", 42, true, new JsonArray())),
        FieldKind.Flag => Gen.Elements<JsonNode?>("yes", "true", 1, new JsonObject(), "'; --"),
        FieldKind.Object => Gen.OneOf(Strings(Payloads), Gen.Elements<JsonNode?>(42, new JsonArray())),
        _ => Gen.OneOf(Strings(Payloads), Gen.Elements<JsonNode?>(42, new JsonObject(), new JsonArray()), Crowded()),
    };

    /// <summary>Breaks the body as a whole: unknown properties, nesting, truncation, another format, a missing field.</summary>
    private static Gen<Mutation> StructureMutation(CommandTemplate template)
    {
        var structural = new List<Gen<Mutation>>
        {
            from name in Gen.Elements("colour", "isAdmin", "__proto__", "role", "actor", "recordedAt", "hash", "'; DROP TABLE x; --")
            select new Mutation($"unknown property {name}", true, draft => draft.Body[name] = "x"),
            from depth in Gen.Choose(RequestLimitsDepth + 1, 400)
            select new Mutation($"nested {depth} deep", true, draft => draft.Body[draft.Body.Select(p => p.Key).FirstOrDefault() ?? "title"] = Nested(depth)),
            from cut in Gen.Choose(1, 1000)
            select new Mutation($"truncated at {cut}", true, draft =>
            {
                var json = draft.Body.ToJsonString();
                draft.RawBody = json[..Math.Max(1, Math.Min(cut, json.Length - 1))];
            }),
            from text in Gen.Elements("<partnership/>", "title=x&form=Twinning", "\u0000\u0001", "[]", "\"x\"", "42", "nul", "{", "}{")
            select new Mutation($"body {Show(text)}", true, draft => draft.RawBody = text),
        };
        if (!template.OptionalBody)
        {
            structural.Add(Gen.Elements("text/plain", "application/xml", "multipart/form-data")
                .Select(type => new Mutation($"content type {type}", true, draft => draft.ContentType = type)));
        }

        if (template.Required.Length > 0)
        {
            structural.Add(from field in Gen.Elements(template.Required)
                           from asNull in Gen.Elements(true, false)
                           select new Mutation($"{field} {(asNull ? "null" : "missing")}", true, draft =>
                           {
                               if (asNull)
                               {
                                   draft.Body[field] = null;
                               }
                               else
                               {
                                   draft.Body.Remove(field);
                               }
                           }));
        }

        return Gen.OneOf(structural);
    }

    private static Gen<Mutation> HeaderOrPathMutation(CommandTemplate template)
    {
        var mutations = new List<Gen<Mutation>>
        {
            Gen.Elements("abc", "\"-1\"", "\"1.5\"", "W/\"x\"", "\"99999999999999999999\"", "'; --")
                .Select(value => new Mutation($"If-Match {value}", true, draft => draft.Headers["If-Match"] = value)),
            Gen.Choose(201, 5000).Select(length => new Mutation($"Idempotency-Key of {length}", true, draft => draft.Headers["Idempotency-Key"] = new string('k', length))),
        };
        if (template.Pattern.Contains("{id:guid}", StringComparison.Ordinal))
        {
            mutations.Add(Gen.Elements("1' OR '1'='1", "..%2F..%2Fhealth", "%3Cscript%3E", "0", "00000000-0000-0000-0000-00000000000g")
                .Select(segment => new Mutation($"partnership id {segment}", true, draft => draft.PartnershipSegment = segment)));
        }

        return Gen.OneOf(mutations);
    }

    /// <summary>Changes that keep a valid request valid: payloads stored as text, an unknown partnership, a fresh key.</summary>
    private static Gen<Mutation> NeutralMutation(CommandTemplate template)
    {
        var texts = JsonPaths.Of(template.Body()).Where(f => f.Kind == FieldKind.Text).ToArray();
        var neutral = new List<Gen<Mutation>>
        {
            Gen.Constant(new Mutation("another partnership", false, draft => draft.PartnershipSegment = Guid.NewGuid().ToString())),
            // Header values must be printable ASCII, or the client refuses to send them.
            Gen.Elements(Payloads.Where(p => p.All(c => c is >= ' ' and <= '~')).ToArray())
                .Select(key => new Mutation($"Idempotency-Key {Show(key)}", false, draft => draft.Headers["Idempotency-Key"] = $"fuzz-{key}")),
        };
        if (texts.Length > 0)
        {
            neutral.Add(from field in Gen.Elements(texts)
                        from payload in Gen.Elements(Payloads)
                        select new Mutation($"{field.Path} = {Show(payload)}", false, draft => JsonPaths.Set(draft.Body, field.Path, payload)));
        }

        return Gen.OneOf(neutral);
    }

    private const int RequestLimitsDepth = Api.Security.RequestLimits.MaxJsonDepth;

    private static Gen<JsonNode?> Strings(string[] values) => Gen.Elements(values).Select(v => (JsonNode?)JsonValue.Create(v));

    private static Gen<JsonNode?> Huge() => Gen.Choose(2001, 300_000).Select(length => (JsonNode?)JsonValue.Create(new string('A', length)));

    /// <summary>A list far longer than any command may carry.</summary>
    private static Gen<JsonNode?> Crowded() => Gen.Choose(1001, 3000)
        .Select(count => (JsonNode?)new JsonArray([.. Enumerable.Range(0, count).Select(_ => (JsonNode?)JsonValue.Create(Guid.NewGuid().ToString()))]));

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static string Show(object? value) => value switch
    {
        JsonNode node when node.ToJsonString() is { Length: > 60 } long_ => $"{long_[..60]}… ({long_.Length} chars)",
        JsonNode node => node.ToJsonString(),
        string text => System.Text.Json.JsonSerializer.Serialize(text),
        _ => "null",
    };
}
