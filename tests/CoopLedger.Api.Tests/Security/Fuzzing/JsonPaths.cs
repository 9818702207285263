using System.Text.Json.Nodes;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>A field of a body, addressed by property names and indices from the root.</summary>
internal sealed record JsonField(IReadOnlyList<object> Path, FieldKind Kind)
{
    public override string ToString() => string.Concat(Path.Select(step => step is int i ? $"[{i}]" : $".{step}")).TrimStart('.');
}

internal static class JsonPaths
{
    /// <summary>Every field and list element of <paramref name="body"/>, except inside <c>changes</c> (free-form by design).</summary>
    public static IEnumerable<JsonField> Of(JsonObject body) => Walk(body, [], "");

    public static void Set(JsonObject body, IReadOnlyList<object> path, JsonNode? value)
    {
        JsonNode parent = body;
        foreach (var step in path.Take(path.Count - 1))
        {
            parent = step is int i ? parent[i]! : parent[(string)step]!;
        }

        if (path[^1] is int index)
        {
            parent[index] = value;
        }
        else
        {
            parent[(string)path[^1]] = value;
        }
    }

    private static IEnumerable<JsonField> Walk(JsonNode node, List<object> path, string name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (key == "changes" || child is null)
                    {
                        continue;
                    }

                    List<object> childPath = [.. path, key];
                    yield return new JsonField(childPath, FieldKinds.Of(key));
                    foreach (var nested in Walk(child, childPath, key))
                    {
                        yield return nested;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    List<object> elementPath = [.. path, i];
                    var kind = array[i] is JsonObject ? FieldKind.Object : name == "actionIds" ? FieldKind.Id : FieldKind.Text;
                    yield return new JsonField(elementPath, kind);
                    foreach (var nested in Walk(array[i]!, elementPath, name))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }
}
