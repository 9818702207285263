using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Projections;
using CoopLedger.Projections.History;
using CoopLedger.Projections.Partnerships;

namespace CoopLedger.Projections.Funding;

/// <summary>Funding lines per partnership, as they currently stand, for the funding-per-year report.</summary>
public sealed class FundingPerYearProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <summary>The projection's name, also its tables' schema.</summary>
    public const string ProjectionName = "funding_per_year";

    /// <inheritdoc />
    public override string Name => ProjectionName;

    /// <inheritdoc />
    public override int Version => 3;

    /// <inheritdoc />
    /// <remarks>
    /// One row per funding line and stretch of days during which it stood so (committed, revised, withdrawn), with its
    /// partnership's country so the report groups without joins; totals of the lines that stand now are kept beside.
    /// </remarks>
    public override IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new("funding_lines", "partnership_id",
        [
            new("funding_id", "uuid"), new("partnership_id", "uuid"), new("partnership_title", "text"), new("country", "text"),
            new("funder_name", "text"), new("funder_kind", "text"), new("year", "integer"), new("mechanism", "text"),
            new("amount", "numeric(14,2)"), new("one_percent_water", "numeric(14,2)", Nullable: true), new("in_kind", "boolean"),
            new("withdrawn", "boolean"), .. TimeColumns,
        ], [], [BitemporalIndex, new("future", "((lower(validity))) WHERE upper_inf(known)")], FundingTotals.Create),
    ];

    /// <inheritdoc />
    protected override bool Concerns(object data) =>
        data is PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn or CorrectionRecorded;

    /// <inheritdoc />
    protected override IKnownRowSource Source(Guid partnershipId) =>
        new EffectiveTimeline<Guid, LineRow>(Concerns, Lines, (line, validity) => new KnownRow("funding_lines", line.FundingId, validity.LowerBound,
        [
            line.FundingId, partnershipId, line.Title, line.Country, line.Funder.Name, line.Funder.Kind.ToString(), line.Year,
            line.Mechanism.ToString(), line.Amount, line.OnePercentWater, line.InKind, line.Withdrawn, validity,
        ]));

    private static IEnumerable<(Guid Key, LineRow Row)> Lines(PartnershipState state)
    {
        if (state.Registration is not { } registration)
        {
            yield break;
        }

        var country = registration.ForeignPartners.Count > 0 ? registration.ForeignPartners[0].Country : "";
        foreach (var line in state.Funding.Values)
        {
            yield return (line.FundingId, new LineRow(line.FundingId, registration.Title, country, line.Funder, line.Year, line.Mechanism, line.Amount,
                line.OnePercentWaterAmount, line.InKind, line.Withdrawn));
        }
    }

    /// <summary>A funding line's row but the partnership and the time columns.</summary>
    private sealed record LineRow(Guid FundingId, string Title, string Country, Funder Funder, int Year, FundingMechanism Mechanism, decimal Amount,
        decimal? OnePercentWater, bool InKind, bool Withdrawn);
}
