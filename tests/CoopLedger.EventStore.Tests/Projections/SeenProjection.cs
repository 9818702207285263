using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Projections;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Projections;

/// <summary>
/// Records each event it sees (only notes starting with <c>only</c>, when given) under a primary key: applying one
/// twice would fail. A note equal to <c>poison</c> cannot be applied.
/// </summary>
/// <remarks>
/// Summarised, its table also has a secondary index and a summary built once its rows are there (<c>seen_streams</c>:
/// the events seen per stream), as a rebuild builds them beside its load.
/// </remarks>
internal sealed class SeenProjection(TestDatabase database, string name, string? poison, int version, string? only, bool summarised) : IProjection
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public string Name => name;

    public int Version => version;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
        [new("seen", "stream_id", [new("event_id", "uuid"), new("stream_id", "uuid")], ["event_id"],
            summarised ? [new ProjectionIndex("by_stream", "(stream_id, event_id)")] : [],
            summarised ? schema => $"CREATE TABLE {schema}.seen_streams AS SELECT stream_id, count(*) AS events FROM {schema}.seen GROUP BY stream_id;" : null)];

    public static async Task<SeenProjection> CreateAsync(TestDatabase database, string name, string? poison = null, int version = 1, string? only = null, bool summarised = false)
    {
        var projection = new SeenProjection(database, name, poison, version, only, summarised);
        await ProjectionGenerations.EnsureServingAsync(database.DataSource, projection, Cancel);
        return projection;
    }

    public async Task ApplyAsync(ProjectionTarget target, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var rows = new ProjectionRows();
        foreach (var recorded in events)
        {
            See(rows, recorded);
        }

        await target.ReplaceAsync(Array.Empty<Guid>(), rows, cancellationToken);
    }

    public async Task LoadAsync(ProjectionLoad load, IAsyncEnumerable<RecordedEvent> eventsByStream, CancellationToken cancellationToken)
    {
        var rows = new ProjectionRows();
        await foreach (var recorded in eventsByStream.WithCancellation(cancellationToken))
        {
            See(rows, recorded);
        }

        await load.WriteAsync(rows, cancellationToken);
    }

    private void See(ProjectionRows rows, RecordedEvent recorded)
    {
        if (recorded.Data is Noted { Text: var text } && text == poison)
        {
            throw new InvalidOperationException($"cannot apply {poison}");
        }

        if (only is null || recorded.Data is Noted { Text: var noted } && noted.StartsWith(only, StringComparison.Ordinal))
        {
            rows.Add("seen", recorded.EventId, recorded.StreamId);
        }
    }

    public Task<long> CountAsync() => database.ScalarAsync<long>($"SELECT count(*) FROM {name}.seen");

    /// <summary>A checksum of every row, to compare two generations.</summary>
    public Task<string?> ChecksumAsync() => database.ScalarAsync<string>($"SELECT coalesce(md5(string_agg(event_id::text, ',' ORDER BY event_id)), '') FROM {name}.seen");
}
