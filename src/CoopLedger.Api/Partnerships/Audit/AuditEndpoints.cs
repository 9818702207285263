using CoopLedger.Api.Partnerships.Queries;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Changes;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Integrity;
using CoopLedger.EventStore.Reading;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Audit;

/// <summary>A stream's hash chain, recomputed.</summary>
/// <param name="Valid">Every event's hash and link matched and no version is missing.</param>
/// <param name="EventsChecked">How many events were checked.</param>
/// <param name="FirstInvalidVersion">The first version that does not hold; null when valid.</param>
public sealed record IntegrityView(bool Valid, long EventsChecked, long? FirstInvalidVersion);

/// <summary>A stream whose chain does not hold.</summary>
public sealed record BrokenChain(Guid StreamId, long EventsChecked, long FirstInvalidVersion);

/// <summary>A page of the ledger's verification; <c>nextCursor</c> checks the next streams, null after the last.</summary>
public sealed record LedgerIntegrityView(int StreamsChecked, bool Valid, IReadOnlyList<BrokenChain> Broken, string? NextCursor);

/// <summary>What changed in a partnership between two dates, as known at <c>knownAt</c>.</summary>
public sealed record ChangesView(Guid Id, DateOnly From, DateOnly To, DateTimeOffset KnownAt, StateChanges Changes);

/// <summary>The auditors' routes: integrity, a convention's history, and what changed between two dates.</summary>
public static class AuditEndpoints
{
    private const int MaxStreams = 1000;

    /// <summary>Maps the routes under <c>/api/partnerships</c>.</summary>
    public static RouteGroupBuilder MapAudit(this RouteGroupBuilder partnerships)
    {
        partnerships.MapGet("/{id:guid}/integrity", async (Guid id, StreamVerifier verifier, HttpContext http) =>
            await verifier.VerifyAsync(id, http.RequestAborted) is var integrity && integrity is { EventsChecked: 0, Valid: true }
                ? throw new EntityNotFoundException("partnership", id)
                : Results.Ok(new IntegrityView(integrity.Valid, integrity.EventsChecked, integrity.FirstInvalidVersion)))
            .Produces<IntegrityView>()
            .WithName("GetIntegrity")
            .WithSummary("Recomputes the partnership's hash chain: valid, events checked, the first version that does not hold")
            .ForAuditors();

        partnerships.MapGet("/{id:guid}/conventions/{conventionId:guid}/history", async (Guid id, Guid conventionId, PostgresEventStore store, HttpContext http) =>
        {
            var events = await store.ReadStreamAsync(id, StreamReadOptions.All, http.RequestAborted);
            if (events.Count == 0)
            {
                throw new EntityNotFoundException("partnership", id);
            }

            // Its signature, renewals and amendments, then corrections of those (and of those corrections), in order.
            var concerned = events.Where(e => e.Data switch
            {
                ConventionSigned c => c.ConventionId == conventionId,
                ConventionRenewed c => c.ConventionId == conventionId,
                ConventionAmended c => c.ConventionId == conventionId,
                _ => false,
            }).Select(e => e.EventId).ToHashSet();
            if (concerned.Count == 0)
            {
                throw new EntityNotFoundException("convention", conventionId);
            }

            foreach (var e in events)
            {
                if (e.Data is CorrectionRecorded correction && concerned.Contains(correction.CorrectsEventId))
                {
                    concerned.Add(e.EventId);
                }
            }

            return Results.Ok(new HistoryView([.. events.Where(e => concerned.Contains(e.EventId)).Select(e => HistoryEventView.Of(e, store.Types))]));
        })
        .Produces<HistoryView>()
        .WithName("GetConventionHistory")
        .WithSummary("The events that concern one convention: its signature, renewals, amendments, and corrections of those")
        .ForPartnershipReaders();

        partnerships.MapGet("/{id:guid}/changes", async (Guid id, DateOnly from, DateOnly? to, DateTimeOffset? knownAt, PartnershipHistory history,
            TimeProvider clock, HttpContext http) =>
        {
            var until = to ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            if (until < from)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["to is on or after from."] });
            }

            var known = knownAt ?? clock.GetUtcNow();
            var before = await history.LoadAsync(id, from, known, http.RequestAborted) ?? throw new EntityNotFoundException("partnership", id);
            var after = (await history.LoadAsync(id, until, known, http.RequestAborted))!;
            return Results.Ok(new ChangesView(id, from, until, known, StateChanges.Between(before.State, after.State)));
        })
        .Produces<ChangesView>()
        .WithName("GetChanges")
        .WithSummary("What changed in the plan, funding and conventions between the states as of two dates (from required, to defaults to today)")
        .ForPartnershipReaders();
        return partnerships;
    }

    /// <summary>Maps <c>GET /api/integrity</c>.</summary>
    public static WebApplication MapLedgerIntegrity(this WebApplication app)
    {
        app.MapGet("/api/integrity", async (Guid? cursor, int? limit, StreamVerifier verifier, HttpContext http) =>
        {
            if (limit is not null and not (>= 1 and <= MaxStreams))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {MaxStreams} streams."] });
            }

            var size = limit ?? 100;
            var checkedStreams = await verifier.VerifyStreamsAsync(cursor, size, http.RequestAborted);
            var broken = checkedStreams.Where(s => !s.Integrity.Valid)
                .Select(s => new BrokenChain(s.StreamId, s.Integrity.EventsChecked, s.Integrity.FirstInvalidVersion!.Value)).ToList();
            return Results.Ok(new LedgerIntegrityView(checkedStreams.Count, broken.Count == 0, broken,
                checkedStreams.Count == size ? checkedStreams[^1].StreamId.ToString() : null));
        })
        .Produces<LedgerIntegrityView>()
        .ProducesValidationProblem()
        .WithTags("Audit")
        .WithName("GetLedgerIntegrity")
        .WithSummary("Recomputes the hash chain of every stream, a page of streams at a time (cursor, limit up to 1000), and lists the broken ones")
        .ForAuditors();
        return app;
    }
}
