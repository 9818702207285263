namespace CoopLedger.Api.Json;

/// <summary>
/// A 200 answer whose JSON is written from pieces serialized beforehand (kept parts, a value spliced in), as
/// <c>Results.Ok</c> would write the whole: the pieces are enumerated twice, once for the length, once to write them.
/// </summary>
public sealed class SplicedJson(IEnumerable<ReadOnlyMemory<byte>> pieces) : IResult
{
    /// <summary>The content type of every JSON answer the service writes itself.</summary>
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>Megabytes of answer go to the connection a chunk at a time, not gathered in its buffers first.</summary>
    private const int Chunk = 64 * 1024;

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = pieces.Sum(p => (long)p.Length);
        var body = response.BodyWriter;
        // Pieces are copied into the writer's buffers a chunk at a time: thousands of small pieces (one per partnership)
        // each written on its own cost more than the copying.
        var chunk = body.GetMemory(Chunk);
        var used = 0;
        foreach (var piece in pieces)
        {
            if (piece.Length > chunk.Length - used)
            {
                body.Advance(used);
                used = 0;
                await body.FlushAsync(httpContext.RequestAborted);
                if (piece.Length > Chunk)
                {
                    await body.WriteAsync(piece, httpContext.RequestAborted);
                    chunk = body.GetMemory(Chunk);
                    continue;
                }

                chunk = body.GetMemory(Chunk);
            }

            piece.CopyTo(chunk[used..]);
            used += piece.Length;
        }

        body.Advance(used);
        await body.FlushAsync(httpContext.RequestAborted);
    }
}
