namespace CoopLedger.Domain.Partnerships;

/// <summary>Where a partnership stands on a given date.</summary>
public enum PartnershipStatus
{
    /// <summary>Registered, no convention in force yet.</summary>
    Registered,

    /// <summary>A convention is in force on the date.</summary>
    Active,

    /// <summary>Suspended by an explicit decision.</summary>
    Suspended,

    /// <summary>Every convention has expired and none was renewed: by the passing of time, with no event.</summary>
    Lapsed,

    /// <summary>Ended explicitly, on an end date.</summary>
    Terminated,

    /// <summary>Dropped before any signature.</summary>
    Cancelled,
}
