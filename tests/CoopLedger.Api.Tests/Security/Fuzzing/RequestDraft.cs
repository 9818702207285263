using System.Text;
using System.Text.Json.Nodes;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>A request being made hostile: a valid command, then mutations applied to it.</summary>
internal sealed class RequestDraft(CommandTemplate template, Guid partnershipId)
{
    public CommandTemplate Template => template;

    public JsonObject Body { get; } = template.Body();

    /// <summary>Set when the body is no longer JSON (truncated, another format).</summary>
    public string? RawBody { get; set; }

    public string ContentType { get; set; } = "application/json";

    public Dictionary<string, string> Headers { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>{id}</c> segment: the fuzzing officer's own partnership unless a mutation changes it.</summary>
    public string PartnershipSegment { get; set; } = partnershipId.ToString();

    public HttpRequestMessage ToRequest()
    {
        var path = template.Pattern.Replace("{id:guid}", PartnershipSegment, StringComparison.Ordinal);
        path = System.Text.RegularExpressions.Regex.Replace(path, @"\{[a-zA-Z]+:guid\}", _ => Guid.NewGuid().ToString());
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(RawBody ?? Body.ToJsonString(), Encoding.UTF8, ContentType),
        };
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
