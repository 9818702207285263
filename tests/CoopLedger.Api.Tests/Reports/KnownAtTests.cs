using System.Globalization;
using System.Net;
using System.Text.Json;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Reports;

/// <summary>Reports answer "as of a day, as known at an instant" from their rows, and agree with the domain's own fold.</summary>
public sealed class KnownAtTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] ReadModels = ["funding_per_year", "active_partnerships", "actions_per_challenge"];
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Funding_per_year_as_known_before_a_revision_and_its_correction_shows_the_amounts_known_then()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await RegisterAsync(client, "Connu à une date");
        var line = (await client.PostAsync($"{p}/funding", new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "1000.00", year = 2035,
            mechanism = "GeneralBudget", effectiveAt = "2026-01-15", reason = "test" })).GetProperty("fundingId").GetString();
        var afterCommitment = await ApiClient.InstantAsync();
        await client.PostAsync($"{p}/funding/{line}/revisions", new { amount = "1500.00", reason = "avenant" });
        var afterRevision = await ApiClient.InstantAsync();
        var revision = (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray().Last();
        await client.PostAsync($"{p}/corrections", new { correctsEventId = revision.GetProperty("eventId").GetString(), changes = new { amount = 1600 }, reason = "typo" });
        await client.CaughtUpAsync(ReadModels);

        Assert.Equal("1600.00", await Amount2035Async(client, ""));
        Assert.Equal("1000.00", await Amount2035Async(client, $"&knownAt={afterCommitment}"));
        Assert.Equal("1500.00", await Amount2035Async(client, $"&knownAt={afterRevision}"));
        Assert.Null(await Amount2035Async(client, "&asOf=2025-12-31"));
    }

    [Fact]
    public async Task A_back_dated_convention_is_active_in_the_past_only_as_known_after_it_was_recorded()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await RegisterAsync(client, "Saisie tardive");
        var id = p.Split('/')[^1];
        await client.CaughtUpAsync(ReadModels);
        var beforeRecording = await ApiClient.InstantAsync();
        await client.PostAsync($"{p}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", reason = "historique" });
        await client.CaughtUpAsync(ReadModels);

        Assert.Contains(id, await ActiveAsync(client, "asOf=2013-06-30"));
        Assert.DoesNotContain(id, await ActiveAsync(client, $"asOf=2013-06-30&knownAt={beforeRecording}"));
        Assert.Equal("Active", await ListedStatusAsync(client, id, "asOf=2013-06-30"));
        Assert.Equal("Registered", await ListedStatusAsync(client, id, $"asOf=2013-06-30&knownAt={beforeRecording}"));
    }

    [Fact]
    public async Task At_every_recorded_instant_of_the_worked_history_the_reports_agree_with_the_domain_fold()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await MonastirHistory.EnterAsync(new DemoClient(api.CreateClient()), Cancel);
        var id = p.Split('/')[^1];
        await client.CaughtUpAsync(ReadModels);
        var instants = (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("recordedAt").GetDateTimeOffset()).Distinct().ToList();

        foreach (var recorded in instants.SelectMany(r => new[] { r.AddTicks(-10), r }))
        {
            var knownAt = Uri.EscapeDataString(recorded.ToString("O", CultureInfo.InvariantCulture));
            foreach (var asOf in new[] { "2013-06-30", "2016-06-30", "2017-03-01", "2017-12-31" })
            {
                var time = $"asOf={asOf}&knownAt={knownAt}";
                var state = await client.Http.GetAsync(new Uri($"{p}?{time}", UriKind.Relative), Cancel);
                if (state.StatusCode == HttpStatusCode.NotFound)
                {
                    continue; // Not registered yet as known then.
                }

                var partnership = JsonDocument.Parse(await state.Content.ReadAsStringAsync(Cancel)).RootElement;
                var plan = await client.GetAsync($"{p}/plan?{time}");
                var actions = await client.GetAsync($"/api/reports/actions-per-challenge?partnershipId={id}&{time}");
                Assert.Equal(
                    plan.GetProperty("challenges").EnumerateArray().SelectMany(c => c.GetProperty("actions").EnumerateArray()).Count(a => a.GetProperty("status").GetString() != "Abandoned"),
                    actions.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("live").GetInt32()));

                var funding = await client.GetAsync($"/api/reports/funding-per-year?groupBy=partnership&{time}");
                Assert.Equal(
                    partnership.GetProperty("funding").EnumerateArray().Where(f => !f.GetProperty("withdrawn").GetBoolean()).Sum(f => decimal.Parse(f.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture)),
                    funding.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("key").GetString() == id).Sum(r => decimal.Parse(r.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture)));

                Assert.Equal(partnership.GetProperty("status").GetString(), await ListedStatusAsync(client, id, time));
            }
        }
    }

    [Fact]
    public async Task A_renewal_signed_now_that_takes_effect_next_year_shows_from_next_year_on_every_axis()
    {
        var client = new ApiClient(api.CreateClient());
        var p = await RegisterAsync(client, "Renouvelée pour l'an prochain");
        var id = p.Split('/')[^1];
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (endsThisYear, nextYear) = (new DateOnly(today.Year, 12, 31), new DateOnly(today.Year + 1, 1, 1));
        var convention = (await client.PostAsync($"{p}/conventions", new { signedOn = $"{today.Year - 3}-01-01", validFrom = $"{today.Year - 3}-01-01",
            validTo = Iso(endsThisYear), reason = "historique" })).GetProperty("conventionId").GetString();
        await client.PostAsync($"{p}/conventions/{convention}/renewals", new { signedOn = Iso(today), validFrom = Iso(nextYear), validTo = $"{today.Year + 3}-12-31",
            effectiveAt = Iso(nextYear) });
        await client.CaughtUpAsync(ReadModels);

        var asOfToday = (await client.GetAsync($"{p}?asOf={Iso(today)}")).GetProperty("conventions")[0].GetProperty("renewals");
        var asOfNextYear = (await client.GetAsync($"{p}?asOf={today.Year + 1}-06-30")).GetProperty("conventions")[0].GetProperty("renewals");
        Assert.Equal(0, asOfToday.GetArrayLength());
        Assert.Equal(1, asOfNextYear.GetArrayLength());
        Assert.Contains(id, await ActiveAsync(client, $"asOf={today.Year + 1}-06-30"));
        Assert.Equal("Active", await ListedStatusAsync(client, id, $"asOf={today.Year + 2}-06-30"));
        Assert.Equal("Lapsed", await ListedStatusAsync(client, id, $"asOf={today.Year + 4}-06-30"));

        static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("/api/reports/funding-per-year?knownAt=1900-01-01T00:00:00Z")]
    [InlineData("/api/reports/active-partnerships?knownAt=not-an-instant")]
    [InlineData("/api/reports/actions-per-challenge?knownAt=2999-01-01T00:00:00Z")]
    [InlineData("/api/partnerships?asOf=1800-01-01")]
    public async Task Bad_instants_are_400(string query)
    {
        var response = await api.CreateClient().GetAsync(new Uri(query, UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task<string?> Amount2035Async(ApiClient client, string time) =>
        (await client.GetAsync($"/api/reports/funding-per-year?from=2035&to=2035&groupBy=funderKind{time}")).GetProperty("rows").EnumerateArray()
            .Select(r => r.GetProperty("amount").GetString()).SingleOrDefault();

    private static async Task<List<string?>> ActiveAsync(ApiClient client, string time) =>
        [.. (await client.GetAsync($"/api/reports/active-partnerships?{time}")).GetProperty("partnerships").EnumerateArray().Select(p => p.GetProperty("id").GetString())];

    private static async Task<string?> ListedStatusAsync(ApiClient client, string id, string time) =>
        (await client.GetAsync($"/api/partnerships?{time}&limit=500")).GetProperty("partnerships").EnumerateArray()
            .SingleOrDefault(p => p.GetProperty("id").GetString() == id) is { ValueKind: JsonValueKind.Object } listed
            ? listed.GetProperty("status").GetString()
            : null;

    private static async Task<string> RegisterAsync(ApiClient client, string title) =>
        $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(title), HttpStatusCode.Created)).GetProperty("id").GetString()}";
}
