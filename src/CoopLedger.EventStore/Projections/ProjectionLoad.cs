using Npgsql;

namespace CoopLedger.EventStore.Projections;

/// <summary>
/// Where a rebuild's load writes: the shadow generation's tables, each through one binary COPY that stays open for the
/// whole load, on a connection of its own. Rows are streamed into it as the fold gives them.
/// </summary>
/// <remarks>
/// <para>
/// One COPY per table, not one per batch of rows: each COPY costs the server about half a millisecond of CPU to start
/// and finish, and batches of 250 rows made 4,600 of them per rebuild of the three read models (about 2 s of the
/// server's CPU). Batches of 2,000 rows cost fewer COPYs, but the rows waiting for their COPY were then most of what
/// each young collection of the garbage collector found alive, and its pauses grow with that
/// (docs/BENCHMARKS.md, issue 5). Streamed, a row is garbage as soon as it is written.
/// </para>
/// <para>
/// Each table's rows commit when the load completes (a connection can carry only one COPY at a time, so the tables do
/// not share a transaction). Nothing reads a shadow before the swap, and a rebuild that fails before or during the
/// completion leaves a shadow that the next rebuild drops.
/// </para>
/// </remarks>
public sealed class ProjectionLoad : IAsyncDisposable
{
    private readonly List<(ProjectionTable Table, NpgsqlConnection Connection, TableCopy Copy)> _copies = [];
    private readonly IReadOnlyList<ProjectionTable> _tables;

    private ProjectionLoad(IReadOnlyList<ProjectionTable> tables)
    {
        _tables = tables;
    }

    /// <summary>Opens a COPY into each of the tables of <paramref name="schema"/>, which must be committed and empty.</summary>
    public static async Task<ProjectionLoad> BeginAsync(NpgsqlDataSource dataSource, string schema, IReadOnlyList<ProjectionTable> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(tables);
        var load = new ProjectionLoad(tables);
        try
        {
            foreach (var table in tables)
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    load._copies.Add((table, connection, await TableCopy.BeginAsync(connection, schema, table, cancellationToken).ConfigureAwait(false)));
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            return load;
        }
        catch
        {
            await load.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes the rows gathered, each into its table's COPY, and forgets them.</summary>
    public async Task WriteAsync(ProjectionRows rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        rows.EnsureOnlyFor(_tables);
        foreach (var (table, _, copy) in _copies)
        {
            await copy.WriteAsync(rows.Of(table.Name), cancellationToken).ConfigureAwait(false);
        }

        rows.Clear();
    }

    /// <summary>Ends every table's COPY: their rows are stored and committed.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, _, copy) in _copies)
        {
            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Frees the connections, every one of them; the COPYs not completed are cancelled.</summary>
    /// <remarks>
    /// Cancelling a COPY may throw (its connection broke, or the server's answer to the cancel is the error that stopped
    /// the load; a COPY the server refused for a value did not, in the tests). That error is secondary to the one on its
    /// way to the rebuild: it must neither replace it nor keep the other tables' connections from the pool.
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, connection, copy) in _copies)
        {
            try
            {
                await copy.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception error) when (error is NpgsqlException or InvalidOperationException or OperationCanceledException or IOException)
            {
                // What stopped the load, told again (see above).
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        _copies.Clear();
    }
}
