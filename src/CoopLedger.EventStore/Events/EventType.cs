namespace CoopLedger.EventStore.Events;

/// <summary>A registered event type: its stable stored name, current schema version and CLR type.</summary>
public sealed record EventType(string Name, int SchemaVersion, Type ClrType);
