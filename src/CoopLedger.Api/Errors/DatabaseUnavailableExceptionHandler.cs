using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CoopLedger.Api.Errors;

/// <summary>
/// When PostgreSQL cannot be reached the service answers 503 with Retry-After: the client may retry, and
/// nothing was written (a command's transaction never committed).
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception))
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(
            httpContext, StatusCodes.Status503ServiceUnavailable, new ProblemDetails { Title = "The database is unavailable; retry shortly." }, exception);
    }

    /// <summary>Whether the exception says the database cannot be reached now (rather than that a statement is wrong).</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException } => true,
        _ => false,
    };
}
