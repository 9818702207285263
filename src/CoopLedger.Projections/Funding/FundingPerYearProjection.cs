using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
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
    public override int Version => 2;

    /// <inheritdoc />
    /// <remarks>
    /// One row per funding line as it currently stands (revisions, withdrawals and corrections applied), with its
    /// partnership's country, so the report groups without joins.
    /// </remarks>
    public override IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new("funding_lines", "partnership_id",
        [
            new("funding_id", "uuid"), new("partnership_id", "uuid"), new("partnership_title", "text"), new("country", "text"),
            new("funder_name", "text"), new("funder_kind", "text"), new("year", "integer"), new("mechanism", "text"),
            new("amount", "numeric(14,2)"), new("one_percent_water", "numeric(14,2)", Nullable: true), new("in_kind", "boolean"),
            new("withdrawn", "boolean"),
        ], ["funding_id"], [new("year", "(year) WHERE NOT withdrawn")], FundingTotals.Create),
    ];

    /// <inheritdoc />
    protected override bool Concerns(object data) =>
        data is PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn or CorrectionRecorded;

    /// <inheritdoc />
    protected override void AddRows(ProjectionRows rows, Guid partnershipId, IReadOnlyList<RecordedEvent> correctedHistory)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var state = Fold(correctedHistory);
        if (state.Registration is not { } registration)
        {
            return;
        }

        var country = registration.ForeignPartners.Count > 0 ? registration.ForeignPartners[0].Country : "";
        foreach (var line in state.Funding.Values)
        {
            rows.Add("funding_lines", line.FundingId, partnershipId, registration.Title, country, line.Funder.Name, line.Funder.Kind.ToString(),
                line.Year, line.Mechanism.ToString(), line.Amount, line.OnePercentWaterAmount, line.InKind, line.Withdrawn);
        }
    }
}
