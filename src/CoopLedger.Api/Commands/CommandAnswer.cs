using CoopLedger.Api.Json;

namespace CoopLedger.Api.Commands;

/// <summary>The answer to a command, as sent and as kept for idempotent replays.</summary>
public sealed record CommandAnswer(int Status, string Body, string ETag, string? Location)
{
    /// <summary>Writes it.</summary>
    public IResult ToResult() => new AnswerResult(this);

    private sealed class AnswerResult(CommandAnswer answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.Status;
            httpContext.Response.Headers.ETag = answer.ETag;
            if (answer.Location is not null)
            {
                httpContext.Response.Headers.Location = answer.Location;
            }

            httpContext.Response.ContentType = SplicedJson.ContentType;
            return httpContext.Response.WriteAsync(answer.Body, httpContext.RequestAborted);
        }
    }
}
