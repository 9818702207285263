using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoopLedger.EventStore.Events;

/// <summary>
/// The explicit map between event CLR types and their stable stored names and schema versions, and the upcasters
/// that bring an old schema version's JSON up to the current one on read. CLR names are never stored.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, EventType> _byClrType = [];
    private readonly Dictionary<string, EventType> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int FromVersion), Func<JsonNode, JsonNode>> _upcasters = [];

    /// <summary>Creates a registry serializing with the given options (camelCase web defaults when null).</summary>
    public EventTypeRegistry(JsonSerializerOptions? options = null) => Options = options ?? JsonSerializerOptions.Web;

    /// <summary>The serializer options; give them a source-generated resolver for speed and trimming.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>Maps <typeparamref name="T"/> to a stable name at its current schema version.</summary>
    public EventTypeRegistry Register<T>(string name, int schemaVersion = 1) => Register(typeof(T), name, schemaVersion);

    /// <summary>Maps a CLR type to a stable name at its current schema version.</summary>
    public EventTypeRegistry Register(Type clrType, string name, int schemaVersion = 1)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(schemaVersion, 1);
        var type = new EventType(name, schemaVersion, clrType);
        if (!_byName.TryAdd(name, type) || !_byClrType.TryAdd(clrType, type))
        {
            throw new InvalidOperationException($"Event type {name} ({clrType.Name}) is registered twice.");
        }

        return this;
    }

    /// <summary>Registers a pure function turning schema version <paramref name="fromVersion"/> into the next one.</summary>
    public EventTypeRegistry Upcast(string name, int fromVersion, Func<JsonNode, JsonNode> upcast)
    {
        if (!_upcasters.TryAdd((name, fromVersion), upcast))
        {
            throw new InvalidOperationException($"Event type {name} has two upcasters from version {fromVersion}.");
        }

        return this;
    }

    /// <summary>Registers an upcaster written on the old shape's own type.</summary>
    public EventTypeRegistry Upcast<TOld, TNext>(string name, int fromVersion, Func<TOld, TNext> upcast) =>
        Upcast(name, fromVersion, json =>
        {
            var old = json.Deserialize<TOld>(Options) ?? throw new JsonException($"{name} v{fromVersion} is null.");
            return JsonSerializer.SerializeToNode(upcast(old), Options)!;
        });

    /// <summary>The stored name and schema version of an event.</summary>
    public EventType Describe(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _byClrType.TryGetValue(data.GetType(), out var type)
            ? type
            : throw new InvalidOperationException($"{data.GetType().Name} is not a registered event type.");
    }

    /// <summary>The stored name and schema version of an event type.</summary>
    public EventType Describe(Type clrType)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        return _byClrType.TryGetValue(clrType, out var type) ? type : throw new InvalidOperationException($"{clrType.Name} is not a registered event type.");
    }

    /// <summary>Whether a stored name is known.</summary>
    public bool IsKnown(string name) => _byName.ContainsKey(name);

    /// <summary>Serializes an event's data to JSON.</summary>
    public string Serialize(object data) => JsonSerializer.Serialize(data, Describe(data).ClrType, Options);

    /// <summary>Reads stored JSON into the current CLR type, upcasting older schema versions first.</summary>
    public object Deserialize(string name, int schemaVersion, string json) => Deserialize(name, schemaVersion, Encoding.UTF8.GetBytes(json));

    /// <summary>Reads stored JSON, as UTF-8, into the current CLR type, upcasting older schema versions first.</summary>
    public object Deserialize(string name, int schemaVersion, ReadOnlySpan<byte> utf8Json)
    {
        if (!_byName.TryGetValue(name, out var type))
        {
            throw new UnknownEventTypeException(name, schemaVersion);
        }

        if (schemaVersion == type.SchemaVersion)
        {
            return JsonSerializer.Deserialize(utf8Json, type.ClrType, Options)!;
        }

        var node = JsonNode.Parse(utf8Json) ?? throw new JsonException($"{name} v{schemaVersion} is null.");
        for (var version = schemaVersion; version < type.SchemaVersion; version++)
        {
            node = _upcasters.TryGetValue((name, version), out var upcast)
                ? upcast(node)
                : throw new UnknownEventTypeException(name, version);
        }

        return node.Deserialize(type.ClrType, Options)!;
    }
}
