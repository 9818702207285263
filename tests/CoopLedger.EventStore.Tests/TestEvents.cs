using CoopLedger.EventStore.Events;

namespace CoopLedger.EventStore.Tests;

public sealed record Noted(string Text);

public sealed record Renamed(string Name);

/// <summary>The current shape of a priced event (schema version 2 added the currency).</summary>
public sealed record Priced(decimal Amount, string Currency);

/// <summary>The shape schema version 1 of "priced" had.</summary>
public sealed record PricedV1(decimal Amount);

internal static class TestEvents
{
    public const string StreamType = "test";

    public static EventTypeRegistry Registry() => new EventTypeRegistry()
        .Register<Noted>("noted")
        .Register<Renamed>("renamed")
        .Register<Priced>("priced", schemaVersion: 2)
        .Upcast<PricedV1, Priced>("priced", fromVersion: 1, old => new Priced(old.Amount, "EUR"));

    public static AppendMetadata By(string actor, string? idempotencyKey = null) =>
        new(actor, Reason: "test", CorrelationId: "corr-1", CausationId: "cause-1", IdempotencyKey: idempotencyKey);

    public static NewEvent[] Notes(params string[] texts) => [.. texts.Select(t => new NewEvent(new Noted(t)))];

    /// <summary>As many notes as asked: "note 0", "note 1", ...</summary>
    public static NewEvent[] Notes(int count) => Notes([.. Enumerable.Range(0, count).Select(n => $"note {n}")]);
}
