using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Audit;

public sealed class AuditTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tampering_with_a_row_in_SQL_flips_integrity_to_invalid_at_that_version()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        var version = (await client.GetAsync(p)).GetProperty("version").GetInt64();

        var intact = await client.GetAsync($"{p}/integrity");
        Assert.True(intact.GetProperty("valid").GetBoolean());
        Assert.Equal(version, intact.GetProperty("eventsChecked").GetInt64());

        await api.ExecuteAsync($"UPDATE ledger.events SET data = jsonb_set(data, '{{title}}', '\"Monastir (modifié)\"') WHERE stream_id = '{p.Split('/')[^1]}' AND version = 1");
        var broken = await client.GetAsync($"{p}/integrity");
        Assert.False(broken.GetProperty("valid").GetBoolean());
        Assert.Equal(1, broken.GetProperty("firstInvalidVersion").GetInt64());

        var ledger = await AllPagesAsync(client);
        Assert.Contains(p.Split('/')[^1], ledger.Select(b => b.GetProperty("streamId").GetString()));
    }

    [Fact]
    public async Task Events_inserted_in_SQL_for_no_partnership_show_in_the_ledgers_integrity()
    {
        var client = new ApiClient(api.CreateClient());
        var tunis = Guid.Parse((await RegisterAsync(client, "Tunis")).Split('/')[^1]);
        var forged = Guid.NewGuid();
        // A copy of a real registration under another stream id, chained by the ledger's own hash function: only the
        // stream row it lacks gives it away.
        await api.ExecuteAsync("""
            INSERT INTO ledger.events (event_id, stream_id, version, type, schema_version, data, recorded_at, effective_at, actor, log_order, hash)
            SELECT gen_random_uuid(), $2, 1, type, schema_version, data, recorded_at, effective_at, actor, pg_current_xact_id(),
                ledger.event_hash(NULL, $2, 1, type, schema_version, data, effective_at, recorded_at, actor, NULL)
            FROM ledger.events WHERE stream_id = $1 AND version = 1
            """, tunis, forged);

        var ledger = await AllPagesAsync(client);
        var found = Assert.Single(ledger, b => b.GetProperty("streamId").GetString() == forged.ToString());
        Assert.Equal(1, found.GetProperty("firstInvalidVersion").GetInt64());
    }

    [Fact]
    public async Task Integrity_of_an_unknown_partnership_is_a_404()
    {
        var response = await api.CreateClient().GetAsync(new Uri($"/api/partnerships/{Guid.NewGuid()}/integrity", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_conventions_history_has_its_signature_renewal_amendment_and_their_corrections_only()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await RegisterAsync(client, "Historique de convention");
        var signed = await client.PostAsync($"{p}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", reason = "Atlas" });
        var convention = signed.GetProperty("conventionId").GetString();
        await client.PostAsync($"{p}/conventions", new { signedOn = "2013-01-01", validFrom = "2013-01-01", reason = "another one" });
        await client.PostAsync($"{p}/conventions/{convention}/renewals", new { signedOn = "2015-12-10", validFrom = "2016-01-01", validTo = "2018-12-31", reason = "Atlas" });
        await client.PostAsync($"{p}/conventions/{convention}/amendments", new { signedOn = "2017-03-01", summary = "Avenant", validTo = "2019-06-30", reason = "Atlas" });
        var signature = (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray().First(e => e.GetProperty("type").GetString() == "convention_signed");
        await client.PostAsync($"{p}/corrections", new { correctsEventId = signature.GetProperty("eventId").GetString(), changes = new { signedOn = "2012-05-05" }, reason = "typo" });
        var history = await client.GetAsync($"{p}/history");
        var correctionEvent = history.GetProperty("events").EnumerateArray().Last().GetProperty("eventId").GetString();
        await client.PostAsync($"{p}/corrections", new { correctsEventId = correctionEvent, changes = new { signedOn = "2012-05-06" }, reason = "typo again" });

        var types = (await client.GetAsync($"{p}/conventions/{convention}/history")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();

        Assert.Equal(["convention_signed", "convention_renewed", "convention_amended", "correction_recorded", "correction_recorded"], types);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.GetAsync(new Uri($"{p}/conventions/{Guid.NewGuid()}/history", UriKind.Relative), Cancel)).StatusCode);
    }

    [Theory]
    [InlineData("?format=jsonl", null)]
    [InlineData("", "application/x-ndjson")]
    [InlineData("?format=csv", null)]
    [InlineData("", "text/csv")]
    public async Task An_export_verifies_offline_with_the_documented_encoding(string query, string? accept)
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{p}/history{query}", UriKind.Relative));
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        var response = await client.Http.SendAsync(request, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = response.Content.Headers.ContentType!.MediaType == "text/csv";
        var rows = csv ? ParseCsv(body) : [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ParseJsonLine)];

        Assert.Equal((await client.GetAsync(p)).GetProperty("version").GetInt64(), rows.Count);
        string? previous = null;
        foreach (var row in rows)
        {
            Assert.Equal(previous, row["previousHash"]);
            Assert.Equal(row["hash"], Sha256Hex(Canonical(row)));
            previous = row["hash"];
        }
    }

    [Fact]
    public async Task Bad_formats_and_paging_are_400_and_history_pages_with_next_after()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync(new Uri($"{p}/history?format=xml", UriKind.Relative), Cancel)).StatusCode);
        var first = await client.GetAsync($"{p}/history?limit=3");
        Assert.Equal(3, first.GetProperty("events").GetArrayLength());
        var next = first.GetProperty("nextAfter").GetInt64();
        var second = await client.GetAsync($"{p}/history?after={next}&limit=3");
        Assert.Equal(next + 1, second.GetProperty("events")[0].GetProperty("version").GetInt64());
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture));
        Assert.Equal(0, (await client.GetAsync($"{p}/history?from={future}")).GetProperty("events").GetArrayLength());
    }

    [Fact]
    public async Task Changes_between_two_dates_name_the_abandoned_action_and_the_2017_funding()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);

        var changes = (await client.GetAsync($"{p}/changes?from=2016-06-30&to=2017-12-31")).GetProperty("changes");

        Assert.Equal([MonastirHistory.AbandonedAction], changes.GetProperty("actionsAbandoned").EnumerateArray().Select(a => a.GetProperty("title").GetString()));
        Assert.Equal(62_570m, changes.GetProperty("fundingCommitted").EnumerateArray().Sum(f => f.GetProperty("amountAfter").GetDecimal()));
        Assert.Empty(changes.GetProperty("actionsAdded").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.Http.GetAsync(new Uri($"{p}/changes?from=2018-01-01&to=2017-01-01", UriKind.Relative), Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_back_dated_convention_changes_as_of_answers_but_not_answers_as_known_before_it_was_recorded()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await RegisterAsync(client, "Convention saisie tard");
        var beforeRecording = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        await Task.Delay(20, Cancel);
        await client.PostAsync($"{p}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", reason = "saisie de l'historique" });

        Assert.Equal("Active", (await client.GetAsync($"{p}?asOf=2013-06-30")).GetProperty("status").GetString());
        Assert.Equal("Registered", (await client.GetAsync($"{p}?asOf=2013-06-30&knownAt={beforeRecording}")).GetProperty("status").GetString());
        Assert.Equal("Lapsed", (await client.GetAsync($"{p}?asOf=2020-01-01")).GetProperty("status").GetString());
    }

    /// <summary>The canonical encoding as docs/AUDIT.md states it, written independently of the service's code.</summary>
    private static string Canonical(Dictionary<string, string?> row)
    {
        var text = new StringBuilder("coopledger-event-v1\n");
        foreach (var field in new[] { "previousHash", "streamId", "version", "type", "schemaVersion", "data", "effectiveAt", "recordedAt", "actor", "reason" })
        {
            var value = row[field];
            text.Append(value is null ? "-\n" : $"{Encoding.UTF8.GetByteCount(value)}:{value}\n");
        }

        return text.ToString();
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Dictionary<string, string?> ParseJsonLine(string line) =>
        JsonDocument.Parse(line).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Number => p.Value.GetRawText(),
            _ => p.Value.GetString(),
        });

    /// <summary>RFC 4180, as a spreadsheet reads it; an empty field is null.</summary>
    private static List<Dictionary<string, string?>> ParseCsv(string body)
    {
        var records = new List<List<string>>();
        var (field, record, quoted) = (new StringBuilder(), new List<string>(), false);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < body.Length && body[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { record.Add(field.ToString()); field.Clear(); records.Add(record); record = []; }
            else { field.Append(c); }
        }

        var header = records[0];
        return [.. records.Skip(1).Select(r => header.Select((name, i) => (name, value: r[i])).ToDictionary(f => f.name, f => f.value.Length == 0 ? null : (string?)f.value))];
    }

    private static async Task<string> RegisterAsync(ApiClient client, string title) =>
        $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(title), HttpStatusCode.Created)).GetProperty("id").GetString()}";

    private static async Task<List<JsonElement>> AllPagesAsync(ApiClient client)
    {
        var broken = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await client.GetAsync($"/api/integrity?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            broken.AddRange(page.GetProperty("broken").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return broken;
    }
}
