using Microsoft.AspNetCore.Mvc;

namespace CoopLedger.Api.Errors;

/// <summary>Writes a problem details answer: the response status and the document's status always agree.</summary>
internal static class ProblemResponses
{
    public const string BodyTooLarge = "The request body is too large.";

    public static ValueTask<bool> TryWriteAsync(
        this IProblemDetailsService problems, HttpContext context, int status, ProblemDetails problem, Exception? exception = null)
    {
        context.Response.StatusCode = status;
        problem.Status = status;
        return problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
