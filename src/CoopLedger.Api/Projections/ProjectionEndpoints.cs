using CoopLedger.EventStore;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.EventStore.Projections;
using Npgsql;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Projections;

/// <summary>One projection's progress.</summary>
/// <param name="Name">The projection.</param>
/// <param name="Position">The position of the last event its daemon applied (inline: where its generation started).</param>
/// <param name="Lag">Committed events it has not applied yet (always 0 inline: appends write it themselves).</param>
/// <param name="Status"><c>running</c> or <c>failed</c>.</param>
/// <param name="FailedPosition">The event it stopped on, when failed.</param>
/// <param name="Error">Why, when failed.</param>
/// <param name="Version">The version of the generation serving.</param>
/// <param name="RebuildRequestedAt">When a rebuild was asked for that has not been swapped in yet (null when none is pending).</param>
/// <param name="Mode"><c>async</c> (its daemon applies the log) or <c>inline</c> (each append applies it in its transaction).</param>
public sealed record ProjectionView(
    string Name, long Position, long Lag, string Status, long? FailedPosition, string? Error, int? Version, DateTimeOffset? RebuildRequestedAt, string Mode);

/// <summary>The projections' progress.</summary>
public sealed record ProjectionsView(IReadOnlyList<ProjectionView> Projections);

/// <summary><c>GET /api/projections</c>.</summary>
public static class ProjectionEndpoints
{
    /// <summary>Registers the daemons and maps the route.</summary>
    public static IServiceCollection AddProjections(this IServiceCollection services)
    {
        services.AddSingleton<ProjectionHost>();
        services.AddHostedService(provider => provider.GetRequiredService<ProjectionHost>());
        return services;
    }

    /// <summary>Maps the status route.</summary>
    public static WebApplication MapProjections(this WebApplication app)
    {
        app.MapGet("/api/projections", async (NpgsqlDataSource dataSource, PostgresEventStore store, HttpContext http) =>
        {
            var states = await ProjectionCheckpoints.AllAsync(dataSource, http.RequestAborted);
            var views = new List<ProjectionView>();
            await using var connection = await dataSource.OpenConnectionAsync(http.RequestAborted);
            foreach (var state in states)
            {
                var inline = store.Inline.Contains(state.Name);
                var lag = inline ? 0 : await LogBacklog.CountAsync(connection, state.Checkpoint, upTo: null, http.RequestAborted);
                views.Add(new ProjectionView(state.Name, state.Checkpoint.Position, lag,
                    state.Status, state.FailedPosition, state.Error, state.Version, state.RebuildRequestedAt, inline ? "inline" : "async"));
            }

            return Results.Ok(new ProjectionsView(views));
        })
        .Produces<ProjectionsView>()
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Projections")
        .WithName("GetProjections")
        .WithSummary("Each projection's position, lag (committed events not yet applied) and status")
        .ForAnyRole();

        app.MapPost("/api/projections/{name}/rebuild", async (string name, ProjectionHost host, NpgsqlDataSource dataSource, HttpContext http) =>
        {
            if (!host.Daemons.Any(d => d.Name == name) || !await ProjectionCheckpoints.RequestRebuildAsync(dataSource, name, http.RequestAborted))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"There is no projection named '{name}'.");
            }

            return Results.Accepted("/api/projections");
        })
        .Produces(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .WithTags("Projections")
        .WithName("RebuildProjection")
        .WithSummary("Rebuilds a projection from the log beside the serving tables, then swaps them in atomically")
        .WithDescription("Answers 202 at once; the projection's leader (on whichever instance) does the work. Until the swap, "
            + "the serving tables keep answering and being updated; `GET /api/projections` shows `rebuildRequestedAt` until then.")
        .ForAdmins();
        return app;
    }
}
