using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.EventStore.Reading;
using CoopLedger.Projections.History;
using Npgsql;

namespace CoopLedger.Projections.Funding;

/// <summary>
/// Funding lines per partnership, for the funding-per-year report. On any event that can change them, the
/// partnership's lines are folded again from its corrected stream up to that event (the domain's own fold, so
/// revisions, withdrawals and corrections mean here exactly what they mean everywhere) and written in place.
/// </summary>
public sealed class FundingPerYearProjection(PostgresEventStore store) : IProjection
{
    /// <inheritdoc />
    public string Name => "funding_per_year";

    /// <inheritdoc />
    public async Task ApplyAsync(NpgsqlConnection connection, RecordedEvent recorded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (recorded.Data is not (PartnershipRegistered or FundingCommitted or FundingRevised or FundingWithdrawn or CorrectionRecorded))
        {
            return;
        }

        var history = await store.ReadStreamAsync(connection, recorded.StreamId, new StreamReadOptions { UpToVersion = recorded.Version }, cancellationToken);
        var state = PartnershipEvolution.Fold(CorrectedHistory.Apply(history, store.Types).Select(e => e.Data));
        await ReplaceAsync(connection, recorded.StreamId, state, cancellationToken);
    }

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
