using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.Aggregates;

/// <summary>What handling a command did.</summary>
/// <param name="StateBefore">The state the decision was taken on.</param>
/// <param name="Append">The append's result (for a decision with no events, the stream as it was).</param>
/// <param name="Events">The events the decision returned.</param>
public sealed record HandledCommand<TState>(TState StateBefore, AppendResult Append, IReadOnlyList<NewEvent> Events);
