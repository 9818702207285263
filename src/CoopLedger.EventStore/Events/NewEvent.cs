namespace CoopLedger.EventStore.Events;

/// <summary>An event to append: its data and, when it differs from the recording time, its business time.</summary>
/// <param name="Data">An instance of a registered event type.</param>
/// <param name="EffectiveAt">When it holds in the real world; null means "when recorded".</param>
public sealed record NewEvent(object Data, DateTimeOffset? EffectiveAt = null);
