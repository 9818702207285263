using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using CoopLedger.EventStore.Reading;

namespace CoopLedger.Api.Partnerships.Queries;

/// <summary>
/// Per partnership, the JSON of one kind of view of its current fold, kept while the fold is the same object: a view is
/// a function of the fold, its version, its day and its <c>knownAt</c>, and <see cref="KnownAtJson"/> writes the last one
/// per answer. Serializing a partnership grown to hundreds of events cost a quarter of the service's CPU under reads.
/// </summary>
/// <typeparam name="TView">The view.</typeparam>
public sealed class KeptViews<TView>(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>
    /// How many bytes of views are kept, at most: views grow with their partnership (tens of KB after a few hundred
    /// events). Each kept view also holds its fold, which <see cref="PartnershipHistory"/> keeps for its partnership anyway.
    /// </summary>
    private const long Capacity = 64L << 20;

    private readonly JsonTypeInfo<TView> _typeInfo = (JsonTypeInfo<TView>)json.Value.SerializerOptions.GetTypeInfo(typeof(TView));
    private readonly StreamMemo<(PartnershipAsOf Fold, KnownAtJson Json)> _kept = new(Capacity, kept => kept.Json.Length);

    /// <summary>The view of the fold as a 200 answer; described anew only when the partnership's current fold has moved.</summary>
    public IResult Answer(Guid id, PartnershipAsOf loaded, Func<PartnershipAsOf, TView> describe)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(describe);
        if (!loaded.Current)
        {
            return TypedResults.Json(describe(loaded), _typeInfo);
        }

        if (!_kept.TryGet(id, out var kept) || !SameFold(kept.Fold, loaded))
        {
            kept = (loaded, KnownAtJson.Of(describe(loaded with { KnownAt = KnownAtJson.Placeholder }), _typeInfo));
            _kept.Keep(id, kept);
        }

        return kept.Json.Answer(loaded.KnownAt);
    }

    private static bool SameFold(PartnershipAsOf kept, PartnershipAsOf loaded) =>
        ReferenceEquals(kept.State, loaded.State) && kept.Version == loaded.Version && kept.AsOf == loaded.AsOf;
}
