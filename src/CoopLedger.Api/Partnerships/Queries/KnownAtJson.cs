using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoopLedger.Api.Json;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>
/// A view's JSON kept as bytes but for its <c>knownAt</c>, which every read names afresh (by default the instant of the
/// read itself), and which is written per answer between the bytes before and after it.
/// </summary>
public sealed class KnownAtJson
{
    /// <summary>What a view is described with before its JSON is split: no read is known at the first instant there is.</summary>
    public static readonly DateTimeOffset Placeholder = DateTimeOffset.MinValue;

    private readonly byte[] _before;
    private readonly byte[] _after;

    private KnownAtJson(byte[] before, byte[] after) => (_before, _after) = (before, after);

    /// <summary>How many bytes are kept: a view's JSON but its knownAt.</summary>
    public int Length => _before.Length + _after.Length;

    /// <summary>Splits the JSON of a view whose <c>knownAt</c> is <see cref="Placeholder"/> around that value.</summary>
    public static KnownAtJson Of<TView>(TView view, JsonTypeInfo<TView> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = JsonSerializer.SerializeToUtf8Bytes(view, typeInfo);
        var name = typeInfo.Properties.Single(p => p.AttributeProvider is MemberInfo { Name: "KnownAt" }).Name;
        var (before, after) = SplicedJson.Around(json, name, Quoted(Placeholder), typeInfo.Options)
            ?? throw new InvalidOperationException($"{typeof(TView).Name} does not name its knownAt as {Placeholder:O}.");
        return new KnownAtJson(before, after);
    }

    /// <summary>The view's JSON known at <paramref name="knownAt"/>: a 200 answer, as <c>Results.Ok</c> would write it.</summary>
    public IResult Answer(DateTimeOffset knownAt) => new SplicedJson(_before, [Quoted(knownAt)], _after);

    /// <summary>A date-time written as the serializer writes it (both use the same writer).</summary>
    private static byte[] Quoted(DateTimeOffset instant)
    {
        var buffer = new ArrayBufferWriter<byte>(48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(instant);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
