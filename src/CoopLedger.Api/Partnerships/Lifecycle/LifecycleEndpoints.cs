using CoopLedger.Api.Commands;
using CoopLedger.Api.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Lifecycle;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.Lifecycle;

/// <summary>End a partnership.</summary>
public sealed record TerminatePartnershipBody(DateOnly? EndDate) : CommandBody;

/// <summary>Suspension, resumption, termination.</summary>
public static class LifecycleEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapLifecycle(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/suspension", (Guid id, NoFieldsBody? body, HttpContext http, CommandExecutor commands) =>
            commands.ExecuteAsync(http, new CommandSpec(id, body ?? new(), new(), (state, day) => new SuspendPartnership(body?.Reason, day).Decide(state))))
            .WithName("SuspendPartnership").WithSummary("Suspend the partnership (PartnershipSuspended)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/resumption", (Guid id, NoFieldsBody? body, HttpContext http, CommandExecutor commands) =>
            commands.ExecuteAsync(http, new CommandSpec(id, body ?? new(), new(), (state, _) => new ResumePartnership(body?.Reason).Decide(state))))
            .WithName("ResumePartnership").WithSummary("Resume a suspended partnership (PartnershipResumed)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/termination", (Guid id, TerminatePartnershipBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var command = new TerminatePartnership(errors.Date(body.EndDate, "endDate"), body.Reason);
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)) { BusinessDate = body.EndDate });
        }).WithName("TerminatePartnership").WithSummary("End the partnership on a date (PartnershipTerminated)")
            .ForOfficers();
        return partnerships;
    }
}
