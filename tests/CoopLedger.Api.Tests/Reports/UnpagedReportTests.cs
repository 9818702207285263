using System.Net;
using System.Text.Json;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>
/// The unpaged actions report is kept in parts, one per partnership, and only the partnerships the projection has moved
/// since are read again: after changes and after a rebuild it must still be what the query answers afresh.
/// </summary>
public sealed class UnpagedReportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    internal const string Report = "/api/reports/actions-per-challenge?asOf=2016-06-30";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_changes_to_some_partnerships_the_kept_answer_is_the_answer_read_afresh()
    {
        var client = new ApiClient(api.CreateClient());
        var (changed, challenge) = await PlannedAsync(client);
        var (unchanged, _) = await PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        var before = await UnpagedAsync(client);
        // Rows altered behind the projection's back: the projection does not move for that partnership, so its part is
        // not read again, which shows only the partnerships it moved for are.
        await AbandonBehindTheProjectionAsync(unchanged);

        await client.PostAsync($"{changed}/actions", new { challengeId = challenge, title = "Échanges d'enseignants", effectiveAt = "2016-03-01", reason = "test" });
        var (added, _) = await PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        var after = await UnpagedAsync(client);

        var afresh = await PagedAsync(client);
        Assert.Equal(afresh.Where(r => r.PartnershipId != Id(unchanged)), after.Where(r => r.PartnershipId != Id(unchanged)));
        Assert.Equal((2, 3), (Live(before, changed), Live(after, changed)));
        Assert.Equal(2, Live(after, added));
        Assert.Equal(before.Where(r => r.PartnershipId == Id(unchanged)), after.Where(r => r.PartnershipId == Id(unchanged)));
        Assert.Equal(0, Live(afresh, unchanged));
    }

    [Fact]
    public async Task After_a_rebuild_every_part_is_read_again()
    {
        var client = new ApiClient(api.CreateClient());
        var (p, _) = await PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        // Rows altered behind the projection's back, then kept in parts by the next answer; a rebuild writes them right
        // again without the checkpoint going anywhere new, so only the tables' new generation can tell the parts are stale.
        await AbandonBehindTheProjectionAsync(p);

        Assert.Equal(0, Live(await UnpagedAsync(client), p));

        Assert.Equal(HttpStatusCode.Accepted,
            (await api.CreateClient().PostAsync(new Uri("/api/projections/actions_per_challenge/rebuild", UriKind.Relative), null, Cancel)).StatusCode);
        await client.RebuiltAsync();

        // The rebuilt tables read afresh (the class's other tests alter rows of their own behind the projection too).
        var rebuilt = await UnpagedAsync(client);
        Assert.Equal(await PagedAsync(client), rebuilt);
        Assert.Equal(2, Live(rebuilt, p));
    }

    [Fact]
    public async Task Active_partnerships_kept_in_parts_are_listed_by_title_as_read_afresh()
    {
        var client = new ApiClient(api.CreateClient());
        await ConventionAsync(client, "Bordeaux – Praia");
        var ended = await ConventionAsync(client, "Dijon – Mopti");
        await client.CaughtUpAsync("active_partnerships");
        Assert.Equal(["Bordeaux – Praia", "Dijon – Mopti"], Titles(await client.GetAsync(ActiveReport)));

        await ConventionAsync(client, "Angers – Bamako");
        await client.PostAsync($"{ended}/termination", new { endDate = "2017-01-01", reason = "test" });
        await client.CaughtUpAsync("active_partnerships");
        var after = await client.GetAsync(ActiveReport);

        Assert.Equal(["Angers – Bamako", "Bordeaux – Praia"], Titles(after));
        Assert.Equal(2, after.GetProperty("count").GetInt32());
        // An explicit instant is answered by its query, whole.
        Assert.Equal((await client.GetAsync($"{ActiveReport}&knownAt={await ApiClient.InstantAsync()}")).GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task A_request_for_less_than_the_whole_list_is_kept_whole_while_the_projection_has_not_moved()
    {
        var client = new ApiClient(api.CreateClient());
        var (p, _) = await PlannedAsync(client);
        await client.CaughtUpAsync("actions_per_challenge");
        var one = $"{Report}&partnershipId={Id(p)}";
        Assert.Equal(2, Live(RowsOf(await client.GetAsync(one)), p));

        await AbandonBehindTheProjectionAsync(p);

        // Answered by its query the first time, then kept as that answer (not skipped as if it were the whole list).
        Assert.Equal(2, Live(RowsOf(await client.GetAsync(one)), p));
    }

    [Fact]
    public async Task Ids_are_ordered_as_PostgreSQL_orders_uuids()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).ToArray();
        var sorted = await api.ScalarAsync<Guid[]>("SELECT array_agg(id ORDER BY id) FROM unnest($1::uuid[]) id", ids);

        // The kept parts are ordered by .NET's own comparison of ids, which reads them field by field as numbers:
        // the same order as PostgreSQL's, byte by byte.
        Assert.Equal(sorted, ids.Order());
    }

    private Task AbandonBehindTheProjectionAsync(string partnership) => AbandonBehindTheProjectionAsync(api, partnership);

    /// <summary>Every action of the partnership abandoned in the read model itself, as no event says.</summary>
    internal static Task AbandonBehindTheProjectionAsync(ApiFactory api, string partnership) =>
        api.ExecuteAsync("UPDATE actions_per_challenge.plan_actions SET status = 'Abandoned' WHERE partnership_id = $1", Guid.Parse(Id(partnership)));

    private const string ActiveReport = "/api/reports/active-partnerships?asOf=2017-06-30";

    /// <summary>A partnership with a convention for 2016–2018; its path.</summary>
    private static async Task<string> ConventionAsync(ApiClient client, string title)
    {
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(title), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/conventions", new { signedOn = "2015-12-01", validFrom = "2016-01-01", validTo = "2018-12-31", reason = "test" });
        return p;
    }

    private static List<string?> Titles(JsonElement report) =>
        [.. report.GetProperty("partnerships").EnumerateArray().Select(p => p.GetProperty("title").GetString())];

    internal sealed record Row(string PartnershipId, string ChallengeId, string Text);

    /// <summary>A partnership with a plan for 2016–2018 of one challenge and two actions; its path and the challenge.</summary>
    internal static async Task<(string Path, string Challenge)> PlannedAsync(ApiClient client)
    {
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Parts (test)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var plan = await client.PostAsync($"{p}/action-plans", new
        {
            from = "2016-01-01",
            to = "2018-12-31",
            reason = "test",
            challenges = new[] { new { title = "Jeunesse", actions = new[] { new { title = "Chantiers" }, new { title = "Stages" } } } },
        });
        return (p, plan.GetProperty("challenges")[0].GetProperty("challengeId").GetString()!);
    }

    internal static string Id(string partnership) => partnership.Split('/')[^1];

    internal static int Live(IEnumerable<Row> rows, string partnership) =>
        rows.Where(r => r.PartnershipId == Id(partnership)).Sum(r => JsonDocument.Parse(r.Text).RootElement.GetProperty("live").GetInt32());

    internal static async Task<List<Row>> UnpagedAsync(ApiClient client, string report = Report)
    {
        var answer = await client.GetAsync(report);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("nextCursor").ValueKind);
        return RowsOf(answer);
    }

    /// <summary>Every page, each read by its query (a page is never kept in parts).</summary>
    private static async Task<List<Row>> PagedAsync(ApiClient client)
    {
        var rows = new List<Row>();
        string? cursor = null;
        do
        {
            var page = await client.GetAsync($"{Report}&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}");
            rows.AddRange(RowsOf(page));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return rows;
    }

    internal static List<Row> RowsOf(JsonElement answer) =>
        [.. answer.GetProperty("rows").EnumerateArray().Select(r =>
            new Row(r.GetProperty("partnershipId").GetString()!, r.GetProperty("challengeId").GetString()!, r.GetRawText()))];
}
