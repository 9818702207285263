using System.Text.Json;
using CoopLedger.Api.Json;
using CoopLedger.EventStore;
using Microsoft.Extensions.Options;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Serves a query over a projection from the <see cref="AnswerCache"/> while the projection has not moved, and keeps
/// each successful answer it computes. Inline projections are left alone: their appends do not move a checkpoint; so are
/// the requests the route answers from a whole list kept in parts (<paramref name="servedFromParts"/>), which looks up
/// where the projection stands itself.
/// </summary>
public sealed class CachedAnswers(string projection, Func<HttpContext, bool>? servedFromParts = null) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var services = context.HttpContext.RequestServices;
        var cache = services.GetRequiredService<AnswerCache>();
        if (!cache.Enabled || services.GetRequiredService<PostgresEventStore>().Inline.Contains(projection)
            || servedFromParts?.Invoke(context.HttpContext) == true)
        {
            return await next(context);
        }

        var key = cache.KeyOf(context.HttpContext.Request);
        // Read before the query runs: the answer then holds at least what this version holds.
        var version = await cache.VersionOfAsync(projection, context.HttpContext.RequestAborted);
        if (version is not null && cache.Find(key, version) is { } kept)
        {
            return Results.Bytes(kept, SplicedJson.ContentType);
        }

        var result = await next(context);
        if (version is null || result is not (IValueHttpResult { Value: { } value } and IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }))
        {
            return result;
        }

        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json);
        cache.Keep(key, version, body);
        return Results.Bytes(body, SplicedJson.ContentType);
    }
}

/// <summary>How a query route declares the projection it reads.</summary>
public static class ProjectionReads
{
    /// <summary>
    /// The route reads <paramref name="projection"/>: it honours <c>minPosition</c> (<see cref="ReadYourWrites"/>) and
    /// its answers are kept while the projection has not moved (<see cref="CachedAnswers"/>).
    /// </summary>
    public static RouteHandlerBuilder ReadsProjection(this RouteHandlerBuilder route, string projection) =>
        route.AddEndpointFilter(new ReadYourWrites(projection)).AddEndpointFilter(new CachedAnswers(projection));

    /// <summary>The same, for a route answering its whole list as currently known from parts (<see cref="PartnershipParts"/>), and other requests from queries.</summary>
    public static RouteHandlerBuilder ReadsWholeList<TRow>(this RouteHandlerBuilder route, string projection) =>
        route.AddEndpointFilter(new ReadYourWrites(projection)).AddEndpointFilter(new CachedAnswers(projection, http =>
            http.RequestServices.GetRequiredService<PartnershipParts>().Serves(http.RequestServices.GetRequiredService<WholeList<TRow>>(), http.Request)));
}
