using Npgsql;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>Which instance (by its sessions' application name) holds each projection's leadership lock.</summary>
internal static class Leadership
{
    public static async Task<Dictionary<string, List<string>>> HoldersAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // The daemon's lock is pg_try_advisory_lock(hashtextextended('projection:' || name, 0)): a bigint key, which
        // pg_locks shows as its high and low 32 bits.
        await using var command = dataSource.CreateCommand("""
            SELECT p.name, a.application_name
            FROM unnest($1::text[]) p(name)
            CROSS JOIN LATERAL (SELECT hashtextextended('projection:' || p.name, 0) AS key) k
            JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                AND l.classid = ((k.key >> 32) & 4294967295)::oid AND l.objid = (k.key & 4294967295)::oid
            JOIN pg_stat_activity a ON a.pid = l.pid
            """);
        command.Parameters.Add(new() { Value = CoopLedger.Testing.ReadModelChecksums.Schemas });
        var holders = CoopLedger.Testing.ReadModelChecksums.Schemas.ToDictionary(name => name, _ => new List<string>(), StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            holders[reader.GetString(0)].Add(reader.GetString(1));
        }

        return holders;
    }

    /// <summary>Waits until every projection has exactly one leader, all of them in <paramref name="expected"/> when given.</summary>
    public static async Task<Dictionary<string, string>> SettledAsync(string connectionString, TimeSpan atMost, string? expected = null)
    {
        var deadline = DateTime.UtcNow + atMost;
        while (true)
        {
            var holders = await HoldersAsync(connectionString);
            Assert.All(holders, h => Assert.True(h.Value.Count <= 1, $"{h.Key} is led by {string.Join(" and ", h.Value)}"));
            if (holders.Values.All(h => h.Count == 1 && (expected is null || h[0] == expected)))
            {
                return holders.ToDictionary(h => h.Key, h => h.Value[0], StringComparer.Ordinal);
            }

            Assert.True(DateTime.UtcNow < deadline, $"leadership did not settle within {atMost.TotalSeconds} s: {string.Join(", ", holders.Select(h => $"{h.Key}: {string.Join("/", h.Value)}"))}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
