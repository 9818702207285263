using CoopLedger.EventStore.Projections;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.Projections;

public sealed class ProjectionLoadTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_completed_load_stores_every_row_written_in_every_table_and_one_not_completed_stores_none()
    {
        var (projection, shadow) = await EmptyShadowAsync();

        await using (var abandoned = await ProjectionLoad.BeginAsync(Database.DataSource, shadow, projection.Tables, Cancel))
        {
            await abandoned.WriteAsync(Rows(3), Cancel);
        }

        Assert.Equal((0, 0), await CountsAsync());

        await using (var load = await ProjectionLoad.BeginAsync(Database.DataSource, shadow, projection.Tables, Cancel))
        {
            // Written in several goes, as a fold gives them partnership by partnership.
            var rows = Rows(2);
            await load.WriteAsync(rows, Cancel);
            Assert.Equal(0, rows.Count);
            await load.WriteAsync(Rows(3), Cancel);
            await load.CompleteAsync(Cancel);
        }

        Assert.Equal((5, 10), await CountsAsync());

        async Task<(long, long)> CountsAsync() => (
            await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.parents"),
            await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.children"));
    }

    [Fact]
    public async Task A_row_the_table_cannot_hold_fails_the_load_and_stores_nothing()
    {
        var (projection, shadow) = await EmptyShadowAsync();

        await using (var load = await ProjectionLoad.BeginAsync(Database.DataSource, shadow, projection.Tables, Cancel))
        {
            var rows = Rows(2);
            rows.Add("parents", Guid.NewGuid(), "too many", "values");

            await Assert.ThrowsAsync<ArgumentException>(() => load.WriteAsync(rows, Cancel));
        }

        Assert.Equal(0, await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.parents"));
    }

    [Fact]
    public async Task Rows_for_a_table_the_projection_does_not_declare_fail_a_load_and_a_live_batch_before_anything_is_written()
    {
        var (projection, shadow) = await EmptyShadowAsync();
        var rows = Rows(2);
        rows.Add("strangers", Guid.NewGuid());

        await using (var load = await ProjectionLoad.BeginAsync(Database.DataSource, shadow, projection.Tables, Cancel))
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => load.WriteAsync(rows, Cancel));
            Assert.Contains("'strangers'", refused.Message, StringComparison.Ordinal);
            await load.CompleteAsync(Cancel);
        }

        await using (var connection = await Database.DataSource.OpenConnectionAsync(Cancel))
        {
            var live = new ProjectionTarget(connection, shadow, projection.Tables);
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => live.ReplaceAsync([Guid.NewGuid()], rows, Cancel));
            Assert.Contains("'strangers'", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.parents"));
        Assert.Equal(0, await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.children"));
    }

    [Fact]
    public async Task A_row_the_server_refuses_fails_the_load_stores_nothing_and_ends_every_copy()
    {
        var (projection, shadow) = await EmptyShadowAsync();

        await using (var load = await ProjectionLoad.BeginAsync(Database.DataSource, shadow, projection.Tables, Cancel))
        {
            var rows = Rows(2);
            // A title is NOT NULL, a child's parent too: each COPY is refused by the server, not by the client.
            rows.Add("parents", Guid.NewGuid(), null);
            rows.Add("children", Guid.NewGuid(), null);
            await load.WriteAsync(rows, Cancel);

            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => load.CompleteAsync(Cancel));
        }

        Assert.Equal(0, await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.parents"));
        Assert.Equal(0, await Database.ScalarAsync<long>($"SELECT count(*) FROM {shadow}.children"));
        Assert.Equal(0, await Database.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY {shadow}.%' AND state <> 'idle' AND pid <> pg_backend_pid()"));
    }

    /// <summary>The two tables' shadow generation, created empty (as a rebuild does before its load).</summary>
    private async Task<(TwoTables Projection, string Shadow)> EmptyShadowAsync()
    {
        var projection = new TwoTables();
        await using var connection = await Database.DataSource.OpenConnectionAsync(Cancel);
        await ProjectionGenerations.CreateShadowAsync(connection, projection, Cancel);
        return (projection, ProjectionGenerations.Shadow(projection.Name));
    }

    /// <summary>Rows of <paramref name="parents"/> parents with two children each.</summary>
    private static ProjectionRows Rows(int parents)
    {
        var rows = new ProjectionRows();
        for (var i = 0; i < parents; i++)
        {
            var parent = Guid.NewGuid();
            rows.Add("parents", parent, $"parent {i}");
            rows.Add("children", Guid.NewGuid(), parent);
            rows.Add("children", Guid.NewGuid(), parent);
        }

        return rows;
    }

    /// <summary>A projection of two tables, loaded only: a load holds a COPY per table, each on a connection of its own.</summary>
    private sealed class TwoTables : IProjection
    {
        public string Name => "load_two_tables";

        public int Version => 1;

        public IReadOnlyList<ProjectionTable> Tables { get; } =
        [
            new("parents", "id", [new("id", "uuid"), new("title", "text")], ["id"], []),
            new("children", "parent_id", [new("id", "uuid"), new("parent_id", "uuid")], ["id"], []),
        ];

        public Task ApplyAsync(ProjectionTarget target, IReadOnlyList<Events.RecordedEvent> events, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only loaded.");

        public Task LoadAsync(ProjectionLoad load, IAsyncEnumerable<Events.RecordedEvent> eventsByStream, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only loaded directly.");
    }
}
