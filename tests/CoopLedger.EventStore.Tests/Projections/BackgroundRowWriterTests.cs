using CoopLedger.EventStore.Projections;
using CoopLedger.Testing;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Projections;

/// <summary>A rebuild's batches written in the background while the next is made: all of them, in order, and a failure surfaces as itself.</summary>
public sealed class BackgroundRowWriterTests(TestDatabase database) : StoreTestBase(database)
{
    private static readonly ProjectionTable Numbers = new("numbers", "n", [new("n", "integer"), new("label", "text")], [], []);

    [Fact]
    public async Task Every_batch_handed_over_is_written()
    {
        await using var connection = await PrepareAsync("writer_all");
        await using (var writer = new BackgroundRowWriter(new ProjectionTarget(connection, "writer_all", [Numbers]), Cancel))
        {
            for (var batch = 0; batch < 5; batch++)
            {
                await writer.WriteAsync(Batch(batch * 1000, 1000));
            }

            await writer.CompleteAsync();
        }

        Assert.Equal("5000 0 4999", await Database.ScalarAsync<string>("SELECT format('%s %s %s', count(*), min(n), max(n)) FROM writer_all.numbers"));
    }

    [Fact]
    public async Task A_batch_that_cannot_be_written_fails_the_writing_with_its_own_error()
    {
        await using var connection = await PrepareAsync("writer_failing");
        var bad = new ProjectionRows();
        bad.Add("numbers", "not a number", "label");

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var writer = new BackgroundRowWriter(new ProjectionTarget(connection, "writer_failing", [Numbers]), Cancel);
            await writer.WriteAsync(bad);
            // The caller goes on handing batches over until it learns of the failure.
            for (var batch = 0; batch < 10; batch++)
            {
                await writer.WriteAsync(Batch(batch, 1));
            }

            await writer.CompleteAsync();
        });

        Assert.IsNotAssignableFrom<OperationCanceledException>(failure);
    }

    private async Task<NpgsqlConnection> PrepareAsync(string schema)
    {
        var connection = await Database.DataSource.OpenConnectionAsync(Cancel);
        await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}; {Numbers.CreateTable(schema)}", connection);
        await create.ExecuteNonQueryAsync(Cancel);
        return connection;
    }

    private static ProjectionRows Batch(int from, int count)
    {
        var rows = new ProjectionRows();
        for (var n = from; n < from + count; n++)
        {
            rows.Add("numbers", n, $"#{n}");
        }

        return rows;
    }
}
