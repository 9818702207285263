using System.Net.Http.Json;
using System.Text.Json;
using CoopLedger.Testing;

namespace CoopLedger.Resilience.Tests.Harness;

/// <summary>The read models after the storm: caught up, running, and equal to a fresh rebuild, row for row.</summary>
internal static class ProjectionChecks
{
    public static async Task<string> EqualToRebuildAsync(HttpClient admin, string connectionString)
    {
        await CaughtUpAsync(admin, TimeSpan.FromSeconds(60));
        var live = await ReadModelChecksums.OfAsync(connectionString, TestContext.Current.CancellationToken);
        await KeepAsync(connectionString, live.Keys);
        foreach (var name in ReadModelChecksums.Schemas)
        {
            (await admin.PostAsync(new Uri($"/api/projections/{name}/rebuild", UriKind.Relative), null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        await CaughtUpAsync(admin, TimeSpan.FromSeconds(120));
        var rebuilt = await ReadModelChecksums.OfAsync(connectionString, TestContext.Current.CancellationToken);
        if (!live.SequenceEqual(rebuilt))
        {
            Assert.Fail($"the read models differ from a fresh rebuild:{Environment.NewLine}{await DifferencesAsync(connectionString, live.Keys)}");
        }

        return $"every projection caught up and running; its {live.Count} tables equal a fresh rebuild row for row ({string.Join(", ", live.Select(t => $"{t.Key} {t.Value.Split(':')[0]} rows"))})";
    }

    /// <summary>A copy of the live tables (schema <c>resilience_live</c>), to show the rows a rebuild does not agree with.</summary>
    private static async Task KeepAsync(string connectionString, IEnumerable<string> tables)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using (var schema = dataSource.CreateCommand("DROP SCHEMA IF EXISTS resilience_live CASCADE; CREATE SCHEMA resilience_live"))
        {
            await schema.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        foreach (var table in tables)
        {
            // Names from the catalogue (ReadModelChecksums), not from input.
            await using var copy = dataSource.CreateCommand($"CREATE TABLE resilience_live.{table.Replace('.', '_')} AS TABLE {table}");
            await copy.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Rows only in the live tables (-) and only in the rebuilt ones (+), a few per table.</summary>
    private static async Task<string> DifferencesAsync(string connectionString, IEnumerable<string> tables)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        var lines = new List<string>();
        foreach (var table in tables)
        {
            var kept = $"resilience_live.{table.Replace('.', '_')}";
            foreach (var (sign, left, right) in new[] { ("-", kept, table), ("+", table, kept) })
            {
                await using var command = dataSource.CreateCommand($"SELECT t::text FROM (TABLE {left} EXCEPT ALL TABLE {right}) t LIMIT 5");
                await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
                while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                {
                    lines.Add($"{sign} {table} {reader.GetString(0)}");
                }
            }
        }

        foreach (var table in tables)
        {
            // Identical rows twice over would mean an append applied twice.
            await using var twice = dataSource.CreateCommand($"SELECT count(*) FROM (SELECT 1 FROM resilience_live.{table.Replace('.', '_')} t GROUP BY t.* HAVING count(*) > 1) d");
            lines.Add($"{table}: {(long)(await twice.ExecuteScalarAsync(TestContext.Current.CancellationToken))!} rows present more than once in the live table");
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Waits until every projection runs with no lag and no rebuild pending.</summary>
    public static async Task<TimeSpan> CaughtUpAsync(HttpClient client, TimeSpan atMost)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var projections = (await client.GetFromJsonAsync<JsonElement>(new Uri("/api/projections", UriKind.Relative), TestContext.Current.CancellationToken))
                    .GetProperty("projections").EnumerateArray().ToList();
                if (projections.Count > 0 && projections.All(p => p.GetProperty("lag").GetInt64() == 0
                    && p.GetProperty("status").GetString() == "running" && p.GetProperty("rebuildRequestedAt").ValueKind == JsonValueKind.Null))
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // The instance is restarting.
            }

            Assert.True(clock.Elapsed < atMost, $"the projections did not catch up within {atMost.TotalSeconds} s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
