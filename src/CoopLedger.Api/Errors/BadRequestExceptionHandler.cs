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
                [FieldOf(json)] = [$"The body is not valid JSON for this request: {json.Message.Split(" Path:")[0]}"],
            })
            { Title = "The request body could not be read." }
            : new ProblemDetails { Title = TitleFor(badRequest.StatusCode), Detail = badRequest.Message };
        return await problems.TryWriteAsync(httpContext, badRequest.StatusCode, problem, exception);
    }

    private static string FieldOf(JsonException json) =>
        string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "$" : json.Path;

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => ProblemResponses.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON.",
        _ => "The request could not be read.",
    };
}
