namespace CoopLedger.Api.Commands;

/// <summary>
/// What every command answers (documented shape; commands that create something add its id, e.g.
/// <c>conventionId</c>, and an action plan adds its <c>challenges</c> with their ids).
/// </summary>
/// <param name="Id">The partnership.</param>
/// <param name="Version">The partnership's stream version after the command; send it back in <c>If-Match</c>.</param>
/// <param name="Position">The global position of the command's last event: a read-your-writes token.</param>
/// <param name="Warnings">What the officer should know, e.g. funding with no convention in force.</param>
public sealed record CommandResponse(Guid Id, long Version, long Position, IReadOnlyList<string>? Warnings);
