using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore;
using CoopLedger.Projections.Partnerships;
using Npgsql;

namespace CoopLedger.Projections.Funding;

/// <summary>Funding lines per partnership, as they currently stand, for the funding-per-year report.</summary>
public sealed class FundingPerYearProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <inheritdoc />
    public override string Name => "funding_per_year";

    /// <inheritdoc />
    protected override bool Concerns(object data) =>
        data is PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn or CorrectionRecorded;

    /// <inheritdoc />
    protected override Task WriteAsync(NpgsqlConnection connection, Guid partnershipId, PartnershipState state, CancellationToken cancellationToken) =>
        ReplaceAsync(connection, partnershipId, state, cancellationToken);

    private static async Task ReplaceAsync(NpgsqlConnection connection, Guid partnershipId, PartnershipState state, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM projections.funding_lines WHERE partnership_id = $1") { Parameters = { new() { Value = partnershipId } } });
        var registration = state.Registration;
        foreach (var line in registration is null ? [] : state.Funding.Values)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO projections.funding_lines (funding_id, partnership_id, partnership_title, country, funder_name, funder_kind,
                    year, mechanism, amount, one_percent_water, in_kind, withdrawn)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                """)
            {
                Parameters =
                {
                    new() { Value = line.FundingId }, new() { Value = partnershipId }, new() { Value = registration!.Title },
                    new() { Value = registration.ForeignPartners.Count > 0 ? registration.ForeignPartners[0].Country : "" },
                    new() { Value = line.Funder.Name }, new() { Value = line.Funder.Kind.ToString() }, new() { Value = line.Year },
                    new() { Value = line.Mechanism.ToString() }, new() { Value = line.Amount },
                    new() { Value = (object?)line.OnePercentWaterAmount ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric },
                    new() { Value = line.InKind }, new() { Value = line.Withdrawn },
                },
            });
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
