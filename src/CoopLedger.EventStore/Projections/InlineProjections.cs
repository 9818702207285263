using System.Collections.Immutable;
using CoopLedger.EventStore.Events;
using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Projections applied inside the append's own transaction: their rows are there the moment the append commits
/// (no read-your-writes wait), at the price of the append's latency, and a failure refuses the append.
/// </summary>
/// <remarks>
/// Each append holds a shared advisory lock per inline projection until it commits; a rebuild's swap takes it
/// exclusively, so no append can write into the generation being retired once the swap has begun.
/// </remarks>
public sealed class InlineProjections
{
    private ImmutableArray<IProjection> _projections = [];

    /// <summary>The projections applied inline.</summary>
    public IReadOnlyList<IProjection> All => _projections;

    /// <summary>Applies <paramref name="projection"/> inline from now on (registered at start-up, before any append).</summary>
    public void Register(IProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ImmutableInterlocked.Update(ref _projections, list => list.Add(projection));
    }

    /// <summary>Whether a projection is applied inline.</summary>
    public bool Contains(string name) => _projections.Any(p => p.Name == name);

    /// <summary>The lock a rebuild takes exclusively and every inline append shares.</summary>
    internal static string LockKey(string name) => $"hashtextextended('projection-inline:{name}', 0)";

    /// <summary>Applies every inline projection to events just appended, in the caller's transaction.</summary>
    internal async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<RecordedEvent> appended, CancellationToken cancellationToken)
    {
        foreach (var projection in _projections)
        {
            await using (var shared = new NpgsqlCommand($"SELECT pg_advisory_xact_lock_shared({LockKey(projection.Name)})", connection))
            {
                await shared.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var target = new ProjectionTarget(connection, projection.Name, projection.Tables) { EventsCommitted = false };
            await projection.ApplyAsync(target, appended, cancellationToken).ConfigureAwait(false);
        }
    }
}
