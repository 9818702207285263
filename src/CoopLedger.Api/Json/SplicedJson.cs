using System.Buffers;

namespace CoopLedger.Api.Json;

/// <summary>
/// A 200 answer whose JSON is written from pieces serialized beforehand (kept parts, a value spliced in), as
/// <c>Results.Ok</c> would write the whole: the pieces are enumerated twice, once for the length, once to write them.
/// </summary>
public sealed class SplicedJson(IEnumerable<ReadOnlyMemory<byte>> pieces) : IResult
{
    /// <summary>The content type of every JSON answer the service writes itself.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Megabytes of answer go to the connection as they are written, not gathered in its buffers first.</summary>
    private const int FlushEvery = 64 * 1024;

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = pieces.Sum(p => (long)p.Length);
        var body = response.BodyWriter;
        foreach (var piece in pieces)
        {
            body.Write(piece.Span);
            if (body.UnflushedBytes >= FlushEvery)
            {
                await body.FlushAsync(httpContext.RequestAborted);
            }
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }
}
