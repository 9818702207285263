using System.Globalization;
using CoopLedger.EventStore;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>
/// <c>minPosition</c> on a query that reads projections: waits (bounded) until they have applied the event at that
/// position — the <c>position</c> a command answered — then lets the query run; 503 with Retry-After past the bound.
/// </summary>
public sealed class ReadYourWrites(params string[] projections) : IEndpointFilter
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.Request.Query["minPosition"].FirstOrDefault() is not { } text)
        {
            return await next(context);
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["minPosition"] = ["A position a command answered: a whole number from 1."] });
        }

        var dataSource = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var store = http.RequestServices.GetRequiredService<PostgresEventStore>();
        var signal = store.Signal;
        // Inline projections committed with the write itself: only the others can lag behind it.
        var awaited = projections.Where(name => !store.Inline.Contains(name)).ToArray();
        var deadline = DateTime.UtcNow + Bound;
        while (!await ReachedAsync(dataSource, awaited, position, http.RequestAborted))
        {
            if (DateTime.UtcNow >= deadline)
            {
                http.Response.Headers.RetryAfter = "1";
                return Results.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The read models have not caught up with that position yet; retry shortly.",
                    Extensions = { ["minPosition"] = position },
                });
            }

            await signal.WaitAsync(TimeSpan.FromMilliseconds(50), http.RequestAborted);
        }

        return await next(context);
    }

    /// <summary>Whether every projection read has applied the event at <paramref name="position"/> (in commit order).</summary>
    private static async Task<bool> ReachedAsync(NpgsqlDataSource dataSource, string[] projections, long position, CancellationToken cancellationToken)
    {
        if (projections.Length == 0)
        {
            return true;
        }

        await using var command = dataSource.CreateCommand("""
            SELECT count(*) = cardinality($2::text[])
            FROM ledger.events e
            JOIN ledger.projection_checkpoints c ON c.name = ANY($2) AND c.status = 'running'
            WHERE e.position = $1 AND (c.log_order, c.position) >= (e.log_order, e.position)
            """);
        command.Parameters.Add(new() { Value = position });
        command.Parameters.Add(new() { Value = projections });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
