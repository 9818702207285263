using System.Text.Json;
using CoopLedger.Domain.Partnerships;

namespace CoopLedger.Domain.Tests;

/// <summary>Given events, when a command decides, then these events (or this refusal).</summary>
internal sealed class Scenario(params object[] history)
{
    public PartnershipState State { get; } = PartnershipEvolution.Fold(history);

    public static Scenario Given(params object[] history) => new(history);

    public Decision When(Func<PartnershipState, Decision> decide) => decide(State);

    public void Then(Func<PartnershipState, Decision> decide, params object[] expected)
    {
        var decision = decide(State);
        // Compared as stored (type and JSON), so events holding lists compare by content, not by reference.
        Assert.Equal(expected.Select(AsStored), decision.Events.Select(AsStored));
        // What was decided must replay: folding it never throws.
        _ = decision.Events.Aggregate(State, PartnershipEvolution.Evolve);
    }

    private static string AsStored(object @event) =>
        $"{@event.GetType().Name} {JsonSerializer.Serialize(@event, @event.GetType(), JsonSerializerOptions.Web)}";

    public string ThenRefused(Func<PartnershipState, Decision> decide) =>
        Assert.Throws<CommandRefusedException>(() => decide(State)).Code;

    public string ThenNotFound(Func<PartnershipState, Decision> decide) =>
        Assert.Throws<EntityNotFoundException>(() => decide(State)).Kind;
}
