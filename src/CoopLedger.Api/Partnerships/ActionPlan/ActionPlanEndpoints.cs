using CoopLedger.Api.Commands;
using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Partnerships.ActionPlan;

/// <summary>An action in a plan to adopt.</summary>
public sealed record PlanActionBody(string? Title);

/// <summary>A challenge in a plan to adopt.</summary>
public sealed record PlanChallengeBody(string? Title, IReadOnlyList<PlanActionBody>? Actions);

/// <summary>Adopt an action plan.</summary>
public sealed record AdoptActionPlanBody(DateOnly? From, DateOnly? To, IReadOnlyList<PlanChallengeBody>? Challenges) : CommandBody;

/// <summary>Add a challenge.</summary>
public sealed record AddChallengeBody(string? Title) : CommandBody;

/// <summary>Add an action.</summary>
public sealed record AddActionBody(Guid? ChallengeId, string? Title) : CommandBody;

/// <summary>Postpone an action.</summary>
public sealed record PostponeActionBody(int? ToYear) : CommandBody;

/// <summary>Adopt an annual programme.</summary>
public sealed record AdoptAnnualProgrammeBody(int? Year, IReadOnlyList<Guid>? ActionIds) : CommandBody;

/// <summary>A command with no field of its own (start, completion, departure, suspension, ...).</summary>
public sealed record NoFieldsBody : CommandBody;

/// <summary>The action plan: adoption, challenges, actions and their lifecycle, annual programmes.</summary>
public static class ActionPlanEndpoints
{
    /// <summary>A year's programme may list every action of a large plan.</summary>
    private const int MaxProgrammeActions = 1000;

    /// <summary>Maps the routes.</summary>
    public static RouteGroupBuilder MapActionPlan(this RouteGroupBuilder partnerships)
    {
        partnerships.MapPost("/{id:guid}/action-plans", (Guid id, AdoptActionPlanBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var challenges = errors.Each(body.Challenges, "challenges", (c, at) => new PlannedChallenge(Guid.CreateVersion7(), errors.Text(c.Title, $"{at}.title", 300),
                [.. errors.Each(c.Actions, $"{at}.actions", (a, actionAt) => new PlannedAction(Guid.CreateVersion7(), errors.Text(a.Title, $"{actionAt}.title", 300)))])).ToList();
            var command = new AdoptActionPlan(errors.Date(body.From, "from"), errors.Date(body.To, "to"), challenges);
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                BusinessDate = body.From,
                CreatedIds = new Dictionary<string, object?>
                {
                    ["challenges"] = challenges.Select(c => new
                    {
                        challengeId = c.ChallengeId,
                        title = c.Title,
                        actions = c.Actions.Select(a => new { actionId = a.ActionId, title = a.Title }),
                    }),
                },
            });
        }).WithName("AdoptActionPlan").WithSummary("Adopt an action plan with its challenges and actions (ActionPlanAdopted)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/challenges", (Guid id, AddChallengeBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var command = new AddChallenge(Guid.CreateVersion7(), errors.Text(body.Title, "title", 300));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                CreatedIds = new Dictionary<string, object?> { ["challengeId"] = command.ChallengeId },
            });
        }).WithName("AddChallenge").WithSummary("Add a challenge (ChallengeAdded)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/actions", (Guid id, AddActionBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            var command = new AddAction(Guid.CreateVersion7(), errors.Required(body.ChallengeId, "challengeId"), errors.Text(body.Title, "title", 300));
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state))
            {
                CreatedIds = new Dictionary<string, object?> { ["actionId"] = command.ActionId },
            });
        }).WithName("AddAction").WithSummary("Add an action under a challenge (ActionAdded)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/actions/{actionId:guid}/start", (Guid id, Guid actionId, NoFieldsBody? body, HttpContext http, CommandExecutor commands) =>
            commands.ExecuteAsync(http, new CommandSpec(id, body ?? new(), new(), (state, _) => new StartAction(actionId).Decide(state))))
            .WithName("StartAction").WithSummary("Start an action (ActionStarted)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/actions/{actionId:guid}/completion", (Guid id, Guid actionId, NoFieldsBody? body, HttpContext http, CommandExecutor commands) =>
            commands.ExecuteAsync(http, new CommandSpec(id, body ?? new(), new(), (state, _) => new CompleteAction(actionId).Decide(state))))
            .WithName("CompleteAction").WithSummary("Complete an action (ActionCompleted)")
            .ForOfficers();

        partnerships.MapPost("/{id:guid}/actions/{actionId:guid}/postponement",
            (Guid id, Guid actionId, PostponeActionBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new PostponeAction(actionId, errors.Year(body.ToYear, "toYear"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
            }).WithName("PostponeAction").WithSummary("Postpone an action to a year (ActionPostponed)")
                .ForOfficers();

        partnerships.MapPost("/{id:guid}/actions/{actionId:guid}/abandonment",
            (Guid id, Guid actionId, NoFieldsBody body, HttpContext http, CommandExecutor commands) =>
            {
                var errors = new RequestErrors();
                var command = new AbandonAction(actionId, errors.Text(body.Reason, "reason"));
                return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
            }).WithName("AbandonAction").WithSummary("Abandon an action, with a reason (ActionAbandoned)")
                .ForOfficers();

        partnerships.MapPost("/{id:guid}/annual-programmes", (Guid id, AdoptAnnualProgrammeBody body, HttpContext http, CommandExecutor commands) =>
        {
            var errors = new RequestErrors();
            errors.Count(body.ActionIds, "actionIds", MaxProgrammeActions);
            var command = new AdoptAnnualProgramme(errors.Year(body.Year, "year"), body.ActionIds ?? []);
            return commands.ExecuteAsync(http, new CommandSpec(id, body, errors, (state, _) => command.Decide(state)));
        }).WithName("AdoptAnnualProgramme").WithSummary("Adopt the programme of a year (AnnualProgrammeAdopted)")
            .ForOfficers();
        return partnerships;
    }
}
