using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CoopLedger.Api.Errors;

/// <summary>
/// A request the server cannot read (malformed JSON, a value of the wrong type, a body too large) answers
/// 400 or 413 with the JSON path of the field at fault, never 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = badRequest.InnerException is JsonException json
            ? new ValidationProblemDetails(new Dictionary<string, string[]>
            {
                [FieldOf(json)] = [Explain(json)],
            })
            { Title = "The request body could not be read." }
            : new ProblemDetails { Title = TitleFor(badRequest.StatusCode), Detail = badRequest.Message };
        return await problems.TryWriteAsync(httpContext, badRequest.StatusCode, problem, exception);
    }

    /// <summary>What is wrong, in the client's terms: the serializer's own messages name the server's types.</summary>
    private static string Explain(JsonException json) => json.Message switch
    {
        var m when m.Contains("could not be mapped", StringComparison.Ordinal) =>
            "Unknown property: this request has no such field (check its spelling against the contract).",
        var m when m.Contains("maximum configured depth", StringComparison.Ordinal) =>
            $"JSON nested deeper than {Security.RequestLimits.MaxJsonDepth} levels.",
        var m when m.Contains("could not be converted", StringComparison.Ordinal) =>
            "A value of the wrong type for this field (e.g. an object where text is expected).",
        _ => "The body is not valid JSON.",
    };

    private static string FieldOf(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "$" : json.Path;

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => ProblemResponses.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON.",
        _ => "The request could not be read.",
    };
}
