using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoopLedger.Api.Partnerships;
using CoopLedger.Api.Security;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore.Aggregates;
using CoopLedger.EventStore.Events;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CoopLedger.Api.Commands;

/// <summary>
/// Runs every command the same way: headers and body checked (400), idempotent replay (same key and body: the
/// first answer; other body: 422), load → decide → append (with the idempotency record in the same transaction) with
/// <c>If-Match</c> as the expected version (412) or, without it, a bounded retry on concurrent writes; the answer with
/// version, position and ETag.
/// Domain refusals (409) and unknown ids (404) become problem details in <see cref="Errors.DomainExceptionHandler"/>.
/// </summary>
public sealed class CommandExecutor(AggregateHandler<PartnershipState> handler, IdempotencyRecords idempotency, TimeProvider clock)
{
    private const int MaxKeyLength = 200;

    /// <summary>How far back a change may take effect without a reason: beyond, auditors need to know why it came late.</summary>
    private static readonly TimeSpan BackDatingWithoutReason = TimeSpan.FromDays(30);

    /// <summary>Executes one command.</summary>
    public async Task<IResult> ExecuteAsync(HttpContext http, CommandSpec spec)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(spec);
        var errors = spec.Errors;
        var expectedVersion = ExpectedVersion(http, errors);
        var key = IdempotencyKey(http, errors);
        var effectiveAt = EffectiveAt(spec.Body.EffectiveAt, errors) ?? Midnight(spec.BusinessDate);
        var reason = errors.Optional(spec.Body.Reason, "reason");
        if (reason is null && effectiveAt < clock.GetUtcNow() - BackDatingWithoutReason)
        {
            errors.Add("reason", $"A change effective more than {BackDatingWithoutReason.TotalDays:F0} days in the past says why it is recorded late.");
        }

        if (errors.Any)
        {
            return Results.ValidationProblem(errors.ByField, title: "The request is not valid.");
        }

        // The Write policy let only authenticated officers in: the token's subject is who recorded the events.
        var actor = http.User.Identity?.Name ?? throw new InvalidOperationException("A command reached the executor without an authenticated subject.");
        // Only a key needs the request's hash (a retry must repeat the request): serializing the body for it was 1.5% of
        // the service's CPU under commands that carry none.
        var requestHash = key is null ? [] : Hash(http, spec.Body);
        if (key is not null && await ReplayAsync(actor, key, requestHash, http.RequestAborted) is { } replay)
        {
            return replay;
        }

        var businessDay = DateOnly.FromDateTime((effectiveAt ?? clock.GetUtcNow()).UtcDateTime);
        // The ledger keeps keys per stream; the API's are per actor: scope the ledger's by actor as well, so that
        // one actor's key can never make another's command a silent duplicate.
        var metadata = new AppendMetadata(actor, reason, Activity.Current?.TraceId.ToString(), null, key is null ? null : $"{actor}\n{key}");
        Decision? decision = null;
        CommandAnswer? answer = null;
        // With a key, the answer is kept in the events' transaction; without one, nothing else commits with them, and
        // the append can share a group commit with other commands'.
        Func<NpgsqlConnection, HandledCommand<PartnershipState>, CancellationToken, Task>? keepAnswer = key is null ? null : async (connection, handled, cancellationToken) =>
        {
            if (handled.Append.WasDuplicate)
            {
                // The same actor and key committed meanwhile: nothing was written; answer as a retry would be.
                throw new DuplicateCommandException();
            }

            answer = Answer(spec, decision!, handled.Append.Version, handled.Append.Position);
            await IdempotencyRecords.SaveAsync(connection, actor, key, requestHash, answer, cancellationToken);
        };
        try
        {
            var handled = await handler.HandleAsync(spec.PartnershipId, expectedVersion, (state, _) =>
                {
                    // Scope before the domain rules for an existing partnership, so that a refusal tells an outsider
                    // nothing; for a registration, on the partnership the command would create.
                    if (state.Exists)
                    {
                        http.User.RequireWriteAccess(state);
                    }

                    decision = spec.Decide(state, businessDay);
                    if (!state.Exists)
                    {
                        http.User.RequireWriteAccess(decision.Events.Aggregate(state, PartnershipEvolution.Evolve));
                    }

                    return [.. decision.Events.Select(e => new NewEvent(e, effectiveAt))];
                },
                metadata, http.RequestAborted, keepAnswer);
            answer ??= Answer(spec, decision!, handled.Append.Version, handled.Append.Position);
        }
        catch (Exception raced) when (key is not null && (raced is DuplicateCommandException
            || raced is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "idempotency_keys" }))
        {
            // The same key raced in from another request, which committed first: answer as a retry would be.
            return await ReplayAsync(actor, key, requestHash, http.RequestAborted) ?? throw new InvalidOperationException("Lost idempotency record.", raced);
        }

        return answer!.ToResult();
    }

    private async Task<IResult?> ReplayAsync(string actor, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        if (await idempotency.FindAsync(actor, key, cancellationToken) is not { } kept)
        {
            return null;
        }

        return kept.RequestHash.AsSpan().SequenceEqual(requestHash)
            ? kept.Answer.ToResult()
            : Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "This Idempotency-Key was already used with another request.",
                Detail = "Use a new key for a different request; a retry must repeat the same body.",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { ["Idempotency-Key"] = ["Already used with another body."] } },
            });
    }

    private static CommandAnswer Answer(CommandSpec spec, Decision decision, long version, long position)
    {
        var body = new Dictionary<string, object?>
        {
            ["id"] = spec.PartnershipId,
            ["version"] = version,
            ["position"] = position,
        };
        foreach (var (name, value) in spec.CreatedIds)
        {
            body[name] = value;
        }

        if (decision.Warnings.Count > 0)
        {
            body["warnings"] = decision.Warnings;
        }

        return new CommandAnswer(
            spec.CreatesPartnership ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            JsonSerializer.Serialize(body, PartnershipLedger.EventJson),
            $"\"{version.ToString(CultureInfo.InvariantCulture)}\"",
            spec.CreatesPartnership ? $"/api/partnerships/{spec.PartnershipId}" : null);
    }

    private static long? ExpectedVersion(HttpContext http, RequestErrors errors)
    {
        var ifMatch = http.Request.Headers.IfMatch.FirstOrDefault();
        if (string.IsNullOrEmpty(ifMatch))
        {
            return null;
        }

        var value = ifMatch.Trim().Trim('"');
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }

        errors.Add("If-Match", "The stream version the client saw, e.g. \"3\".");
        return null;
    }

    private static string? IdempotencyKey(HttpContext http, RequestErrors errors)
    {
        var key = http.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is { Length: > MaxKeyLength } or { Length: 0 })
        {
            errors.Add("Idempotency-Key", $"From 1 to {MaxKeyLength} characters.");
        }

        return string.IsNullOrEmpty(key) ? null : key;
    }

    private static DateTimeOffset? EffectiveAt(string? value, RequestErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && date.Year is >= Years.First and <= Years.Last)
        {
            return Midnight(date);
        }

        if (value.Contains('T', StringComparison.Ordinal)
            && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && instant.Year is >= Years.First and <= Years.Last)
        {
            return instant;
        }

        errors.Add("effectiveAt", "A date (2016-01-01) or an instant with offset (2016-01-01T09:00:00+01:00), 1950–2100.");
        return null;
    }

    private static DateTimeOffset? Midnight(DateOnly? date) =>
        date is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    private static byte[] Hash(HttpContext http, CommandBody body) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{http.Request.Method} {http.Request.Path}\n{JsonSerializer.Serialize(body, body.GetType(), PartnershipLedger.EventJson)}"));
}

/// <summary>An append found its idempotency key already used: nothing was written.</summary>
internal sealed class DuplicateCommandException : Exception
{
    public DuplicateCommandException() : base("The command was already recorded under this idempotency key.")
    {
    }

    public DuplicateCommandException(string message) : base(message)
    {
    }

    public DuplicateCommandException(string message, Exception inner) : base(message, inner)
    {
    }
}
