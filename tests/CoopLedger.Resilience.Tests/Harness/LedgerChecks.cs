using Npgsql;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>What the ledger must hold after the load, whatever happened to the processes.</summary>
internal static class LedgerChecks
{
    /// <summary>
    /// Every acknowledged command's event is in the ledger exactly once, at the version it was answered with;
    /// a command refused (4xx) wrote nothing; one never answered, or answered 503, wrote at most once; versions are 1..n.
    /// </summary>
    public static async Task<LedgerVerdict> VerifyAsync(string connectionString, IReadOnlyCollection<Outcome> outcomes)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var written = new Dictionary<string, List<(Guid Stream, long Version)>>(StringComparer.Ordinal);
        await using (var events = dataSource.CreateCommand("SELECT idempotency_key, stream_id, version FROM ledger.events WHERE idempotency_key IS NOT NULL"))
        await using (var reader = await events.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                var key = reader.GetString(0);
                (written.TryGetValue(key, out var list) ? list : written[key] = []).Add((reader.GetGuid(1), reader.GetInt64(2)));
            }
        }

        int acknowledged = 0, refused = 0, unanswered = 0, unansweredWritten = 0;
        foreach (var outcome in outcomes)
        {
            var found = written.GetValueOrDefault($"{outcome.Subject}\n{outcome.Key}") ?? [];
            if (outcome.Acknowledged)
            {
                acknowledged++;
                Assert.True(found.Count == 1, $"acknowledged command {outcome.Key} is in the ledger {found.Count} times");
                Assert.Equal((outcome.Stream!.Value, outcome.Version!.Value), found[0]);
            }
            else if (outcome.Status is >= 400 and < 500)
            {
                refused++;
                Assert.True(found.Count == 0, $"command {outcome.Key} answered {outcome.Status} but wrote {found.Count} events");
            }
            else
            {
                // No answer, or a 503: the database may have gone away after the commit and before the answer.
                unanswered++;
                Assert.True(found.Count <= 1, $"unanswered command {outcome.Key} was written {found.Count} times");
                unansweredWritten += found.Count;
            }
        }

        await using var gaps = dataSource.CreateCommand("""
            SELECT count(*) FROM (
                SELECT e.stream_id FROM ledger.events e JOIN ledger.streams s ON s.stream_id = e.stream_id
                GROUP BY e.stream_id, s.version
                HAVING min(e.version) <> 1 OR max(e.version) <> count(*) OR max(e.version) <> s.version) broken
            """);
        var broken = (long)(await gaps.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(0, broken);
        // The global log (read in (log_order, position) order) must hand each stream over in version order.
        await using var order = dataSource.CreateCommand("""
            SELECT count(*) FROM (
                SELECT (log_order, position) < (lag(log_order) OVER w, lag(position) OVER w) AS backwards
                FROM ledger.events WINDOW w AS (PARTITION BY stream_id ORDER BY version)) e
            WHERE backwards
            """);
        Assert.Equal(0L, await order.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        return new LedgerVerdict(unansweredWritten,
            $"{acknowledged} acknowledged commands each in the ledger exactly once at their answered version; {refused} refused (4xx) wrote nothing; "
            + $"{unanswered} unanswered or 503, {unansweredWritten} of them committed (at most once each); every stream's versions run 1..n with no gap, and the global log's order keeps them in that order");
    }
}

/// <summary>What the ledger check found: how many commands committed without their client hearing of it, and a summary.</summary>
internal sealed record LedgerVerdict(int UnansweredButWritten, string Summary)
{
    public override string ToString() => Summary;
}
