using CoopLedger.Domain.Partnerships;

namespace CoopLedger.Api.Commands;

/// <summary>One command as an endpoint hands it to <see cref="CommandExecutor"/>.</summary>
/// <param name="PartnershipId">The stream.</param>
/// <param name="Body">The request body, hashed for idempotency and read for <c>effectiveAt</c> and <c>reason</c>.</param>
/// <param name="Errors">What the endpoint found wrong with the body (the executor adds header and metadata errors).</param>
/// <param name="Decide">The pure decision, given the state and the command's business day (its effective date).</param>
public sealed record CommandSpec(Guid PartnershipId, CommandBody Body, RequestErrors Errors, Func<PartnershipState, DateOnly, Decision> Decide)
{
    /// <summary>The command's own business date, the default effective time.</summary>
    public DateOnly? BusinessDate { get; init; }

    /// <summary>Ids the command created, added to the answer (e.g. <c>conventionId</c>).</summary>
    public IReadOnlyDictionary<string, object?> CreatedIds { get; init; } = new Dictionary<string, object?>();

    /// <summary>True for a registration: 201 with a Location.</summary>
    public bool CreatesPartnership { get; init; }
}
