using CoopLedger.Api.Security;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore.Appending;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CoopLedger.Api.Errors;

/// <summary>
/// Domain outcomes as HTTP: an unknown partnership or sub-entity is 404, a partnership outside the officer's authorities 403, a refusal by a domain rule 409 (with its
/// stable <c>code</c>), a stale <c>If-Match</c> 412. Nothing was written in any of these cases.
/// </summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, problem) = exception switch
        {
            EntityNotFoundException notFound => (StatusCodes.Status404NotFound,
                new ProblemDetails { Title = $"Unknown {notFound.Kind}.", Detail = notFound.Message }),
            OutOfScopeException outOfScope => (StatusCodes.Status403Forbidden,
                new ProblemDetails { Title = "This partnership is not one of your authorities'.", Detail = outOfScope.Message }),
            CommandRefusedException refused => (StatusCodes.Status409Conflict,
                new ProblemDetails { Title = "The command is refused by a domain rule.", Detail = refused.Message, Extensions = { ["code"] = refused.Code } }),
            StreamVersionConflictException conflict when httpContext.Request.Headers.IfMatch.Count > 0 => (StatusCodes.Status412PreconditionFailed,
                new ProblemDetails
                {
                    Title = "The partnership changed since the version in If-Match.",
                    Detail = conflict.Message,
                    Extensions = { ["currentVersion"] = conflict.Actual },
                }),
            StreamVersionConflictException => (StatusCodes.Status409Conflict,
                new ProblemDetails { Title = "The partnership is being changed by others too often; retry.", Extensions = { ["code"] = "busy" } }),
            _ => (0, null!),
        };
        return status != 0 && await problems.TryWriteAsync(httpContext, status, problem, exception);
    }
}
