using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.Domain.Partnerships.Lifecycle;
using CoopLedger.Domain.Partnerships.Partners;
using CoopLedger.Domain.Partnerships.Registration;
using CoopLedger.EventStore;
using Npgsql;

namespace CoopLedger.Projections.Partnerships;

/// <summary>Partnerships with their conventions' validity periods, for "active on a date".</summary>
public sealed class ActivePartnershipsProjection(PostgresEventStore store) : PartnershipReadModel(store)
{
    /// <inheritdoc />
    public override string Name => "active_partnerships";

    /// <inheritdoc />
    protected override bool Concerns(object data) => data is PartnershipRegistered or ConventionSigned or ConventionRenewed
        or ConventionAmended or PartnerJoined or PartnerLeft or PartnershipSuspended or PartnershipResumed
        or PartnershipTerminated or PartnershipCancelled or CorrectionRecorded;

    /// <inheritdoc />
    protected override async Task WriteAsync(NpgsqlConnection connection, Guid partnershipId, PartnershipState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new("DELETE FROM projections.convention_periods WHERE partnership_id = $1") { Parameters = { new() { Value = partnershipId } } });
        batch.BatchCommands.Add(new("DELETE FROM projections.partnerships WHERE partnership_id = $1") { Parameters = { new() { Value = partnershipId } } });
        if (state.Registration is { } registration)
        {
            var partners = state.Partners.Values.Where(p => !p.Left).ToList();
            batch.BatchCommands.Add(new("""
                INSERT INTO projections.partnerships (partnership_id, title, form, countries, sirens, suspended, cancelled, terminated_on)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """)
            {
                Parameters =
                {
                    new() { Value = partnershipId }, new() { Value = registration.Title }, new() { Value = registration.Form.ToString() },
                    new() { Value = registration.ForeignPartners.Select(p => p.Country).Concat(partners.Where(p => p.Kind == PartnerKind.ForeignAuthority && p.Country is not null).Select(p => p.Country!)).Distinct().ToArray() },
                    new() { Value = registration.FrenchAuthorities.Select(a => a.Siren).Concat(partners.Where(p => p.Siren is not null).Select(p => p.Siren!)).Distinct().ToArray() },
                    new() { Value = state.Suspended }, new() { Value = state.Cancelled },
                    new() { Value = (object?)state.TerminatedOn ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date },
                },
            });
            foreach (var convention in state.Conventions.Values)
            {
                foreach (var period in convention.Periods)
                {
                    batch.BatchCommands.Add(new("INSERT INTO projections.convention_periods VALUES ($1, $2, daterange($3, $4, '[]'))")
                    {
                        Parameters =
                        {
                            new() { Value = partnershipId }, new() { Value = convention.ConventionId }, new() { Value = period.From },
                            new() { Value = (object?)period.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date },
                        },
                    });
                }
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
