using System.Text.Json;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Integrity;
using CoopLedger.EventStore.Reading;
using CoopLedger.Api.Partnerships.Audit;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>One recorded event with all its metadata, as auditors see it.</summary>
public sealed record HistoryEventView(
    Guid EventId, long Version, long Position, string Type, JsonElement Data, DateTimeOffset RecordedAt, DateTimeOffset EffectiveAt,
    string Actor, string? Reason, string? CorrelationId, string? CausationId, string Hash)
{
    /// <summary>The view of a recorded event, its data in the current schema.</summary>
    public static HistoryEventView Of(RecordedEvent e, EventTypeRegistry types)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(types);
        return new(e.EventId, e.Version, e.Position, e.Type, JsonSerializer.SerializeToElement(e.Data, e.Data.GetType(), types.Options),
            e.RecordedAt, e.EffectiveAt, e.Actor, e.Reason, e.CorrelationId, e.CausationId, Convert.ToHexStringLower(e.Hash));
    }
}

/// <summary>A page of a partnership's history; <c>nextAfter</c> (a version) fetches the next page, null on the last.</summary>
public sealed record HistoryView(IReadOnlyList<HistoryEventView> Events, long? NextAfter = null);

/// <summary><c>GET /api/partnerships/{id}/history</c>: every event of the stream in order, paged, or exported for auditors.</summary>
public static class HistoryQuery
{
    private const int MaxLimit = 1000;

    /// <summary>Maps the route.</summary>
    public static RouteGroupBuilder MapHistory(this RouteGroupBuilder partnerships)
    {
        partnerships.MapGet("/{id:guid}/history", async (Guid id, long? after, int? limit, DateTimeOffset? from, DateTimeOffset? to, string? format,
            PostgresEventStore store, HttpContext http) =>
        {
            var export = HistoryExport.Negotiate(format, http.Request.Headers.Accept);
            if (limit is < 1 or > MaxLimit || after is < 0 || export is null)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    [export is null ? "format" : limit is < 1 or > MaxLimit ? "limit" : "after"] =
                        [$"format is json, jsonl or csv; limit is 1 to {MaxLimit}; after is a version, 0 or more."],
                });
            }

            if (export != HistoryExport.Json)
            {
                return await HistoryExport.WriteAsync(http, new StoredEvents(store.DataSource), id, export, from, to);
            }

            var events = await store.ReadStreamAsync(id, StreamReadOptions.All, http.RequestAborted);
            if (events.Count == 0)
            {
                throw new EntityNotFoundException("partnership", id);
            }

            var recorded = events.Where(e => e.Version > (after ?? 0) && (from is null || e.RecordedAt >= from) && (to is null || e.RecordedAt <= to)).ToList();
            var page = recorded.Take(limit ?? MaxLimit).ToList();
            return Results.Ok(new HistoryView([.. page.Select(e => HistoryEventView.Of(e, store.Types))], recorded.Count > page.Count ? page[^1].Version : null));
        })
        .Produces<HistoryView>()
        .WithName("GetHistory")
        .Produces(StatusCodes.Status200OK, contentType: HistoryExport.JsonLinesType)
        .Produces(StatusCodes.Status200OK, contentType: HistoryExport.CsvType)
        .WithSummary("Every event of the partnership's stream, in order, with its metadata and hash; filters: from/to (recorded), after (version), limit")
        .WithDescription("`format=jsonl` or `csv` (or `Accept: application/x-ndjson` / `text/csv`) exports every event matching from/to "
            + "exactly as stored and hashed, for auditors to verify offline (docs/AUDIT.md); the JSON answer pages with after/limit.")
        .ForPartnershipReaders();
        return partnerships;
    }

}
