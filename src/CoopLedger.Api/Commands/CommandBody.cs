namespace CoopLedger.Api.Commands;

/// <summary>What every command body may carry besides its own fields.</summary>
public abstract record CommandBody
{
    /// <summary>
    /// When the change holds in the real world: a date (<c>2016-01-01</c>) or an instant with offset. Defaults to the
    /// command's own business date when it has one (<c>signedOn</c>, <c>endDate</c>), else to the recording time.
    /// </summary>
    public string? EffectiveAt { get; init; }

    /// <summary>Why, in the officer's words.</summary>
    public string? Reason { get; init; }
}
