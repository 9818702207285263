namespace CoopLedger.EventStore.Integrity;

/// <summary>The result of recomputing a stream's hash chain.</summary>
/// <param name="Valid">True when every event's hash and link matched and no version is missing.</param>
/// <param name="EventsChecked">How many events were checked.</param>
/// <param name="FirstInvalidVersion">The first version whose hash, link or presence is wrong; null when valid.</param>
public sealed record StreamIntegrity(bool Valid, long EventsChecked, long? FirstInvalidVersion);
