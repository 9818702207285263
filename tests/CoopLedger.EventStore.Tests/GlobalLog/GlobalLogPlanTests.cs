using System.Text.Json;
using CoopLedger.EventStore.GlobalLog;
using CoopLedger.Testing;

namespace CoopLedger.EventStore.Tests.GlobalLog;

/// <summary>
/// The daemons read the log batch after batch, for as long as the service runs: each read must start at its
/// checkpoint on the (log_order, position) index, whatever the log's size, not scan and sort what follows.
/// </summary>
public sealed class GlobalLogPlanTests(TestDatabase database) : StoreTestBase(database)
{
    [Fact]
    public async Task A_batch_is_read_along_the_log_order_index_without_sorting_the_log()
    {
        // Enough events that PostgreSQL prefers the index for a small batch, as it does on any real log.
        await AppendStreamsAsync(20, notesEach: 100);
        await Database.ScalarAsync<int>("ANALYZE ledger.events");

        var plan = await Database.ScalarAsync<string>(
            $"EXPLAIN (FORMAT JSON) {GlobalLogReader.Query(GlobalLogReader.CommitSafeHorizon)}", "0", 0L, 10);

        var nodes = Nodes(JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan")).ToList();
        Assert.DoesNotContain(nodes, n => n.GetProperty("Node Type").GetString() is "Sort" or "Seq Scan");
        Assert.Contains(nodes, n => n.TryGetProperty("Index Name", out var index) && index.GetString() == "events_log_order");
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node) =>
        node.TryGetProperty("Plans", out var children) ? [node, .. children.EnumerateArray().SelectMany(Nodes)] : [node];
}
