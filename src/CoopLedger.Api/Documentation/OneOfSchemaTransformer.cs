using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CoopLedger.Api.Documentation;

/// <summary>Lists an enumeration's names on every string field marked <see cref="OneOfAttribute"/>.</summary>
internal sealed class OneOfSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(OneOfAttribute), inherit: true) is [OneOfAttribute oneOf, ..])
        {
            schema.Enum = [.. Enum.GetNames(oneOf.Enumeration).Select(name => (JsonNode)JsonValue.Create(name)!)];
        }

        return Task.CompletedTask;
    }
}
