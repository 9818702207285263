using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace CoopLedger.Api.Errors;

/// <summary>
/// Caps request bodies (<c>CoopLedger:MaxRequestBodyBytes</c>, 1 MiB by default). A declared length over the cap
/// is refused before anything is read; a chunked body is cut by the server, whose error becomes a 413 as well.
/// </summary>
internal sealed class RequestBodyLimit(RequestDelegate next, IConfiguration configuration, IProblemDetailsService problems)
{
    private readonly long _maxBytes = configuration.GetValue<long?>("CoopLedger:MaxRequestBodyBytes") ?? 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBytes;
        }

        if (context.Request.ContentLength > _maxBytes)
        {
            await problems.TryWriteAsync(context, StatusCodes.Status413PayloadTooLarge, new ProblemDetails
            {
                Title = ProblemResponses.BodyTooLarge,
                Detail = $"Bodies are limited to {_maxBytes} bytes.",
            });
            return;
        }

        await next(context);
    }
}
