using System.Text.Json;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Reading;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>One recorded event with all its metadata, as auditors see it.</summary>
public sealed record HistoryEventView(
    Guid EventId, long Version, long Position, string Type, JsonElement Data, DateTimeOffset RecordedAt, DateTimeOffset EffectiveAt,
    string Actor, string? Reason, string? CorrelationId, string? CausationId, string Hash);

/// <summary>A page of a partnership's history.</summary>
public sealed record HistoryView(IReadOnlyList<HistoryEventView> Events);

/// <summary><c>GET /api/partnerships/{id}/history</c>: every event of the stream in order (paging and exports grow in issue 6).</summary>
public static class HistoryQuery
{
    private const int MaxLimit = 1000;

    /// <summary>Maps the route.</summary>
    public static RouteGroupBuilder MapHistory(this RouteGroupBuilder partnerships)
    {
        partnerships.MapGet("/{id:guid}/history", async (Guid id, long? after, int? limit, DateTimeOffset? from, DateTimeOffset? to, PostgresEventStore store, HttpContext http) =>
        {
            if (limit is < 1 or > MaxLimit || after is < 0)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    [limit is < 1 or > MaxLimit ? "limit" : "after"] = [$"limit is 1 to {MaxLimit}; after is a version, 0 or more."],
                });
            }

            var events = await store.ReadStreamAsync(id, StreamReadOptions.All, http.RequestAborted);
            var recorded = events.Where(e => e.Version > (after ?? 0) && (from is null || e.RecordedAt >= from) && (to is null || e.RecordedAt <= to));
            if (events.Count == 0)
            {
                throw new EntityNotFoundException("partnership", id);
            }

            return Results.Ok(new HistoryView([.. recorded.Take(limit ?? MaxLimit).Select(e => new HistoryEventView(
                e.EventId, e.Version, e.Position, e.Type, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), store.Types.Options),
                e.RecordedAt, e.EffectiveAt, e.Actor, e.Reason, e.CorrelationId, e.CausationId, Convert.ToHexStringLower(e.Hash)))]));
        })
        .Produces<HistoryView>()
        .WithName("GetHistory")
        .WithSummary("Every event of the partnership's stream, in order, with its metadata and hash; filters: from/to (recorded), after (version), limit");
        return partnerships;
    }

}
