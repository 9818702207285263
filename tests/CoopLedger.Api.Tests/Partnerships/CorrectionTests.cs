using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>Corrections fix a wrong record: old values as known before, new values at every date as known after.</summary>
public sealed class CorrectionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_corrected_signature_date_holds_at_every_effective_date_as_known_after_the_correction_only()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        // Recorded as signed in 2015; it was in fact 2012.
        await client.PostAsync($"{p}/conventions", new { signedOn = "2015-05-04", validFrom = "2015-05-04", validTo = "2018-12-31", reason = "Atlas" });
        var signature = await EventAsync(client, p, "convention_signed");
        var beforeCorrection = await NowAsync();

        var corrected = await client.PostAsync($"{p}/corrections", new
        {
            correctsEventId = signature.GetProperty("eventId").GetString(),
            changes = new { signedOn = "2012-05-04", validFrom = "2012-05-04", effectiveAt = "2012-05-04" },
            reason = "The first signature was in 2012, not 2015",
        });

        Assert.Equal(3, corrected.GetProperty("version").GetInt64());
        Assert.Equal("Registered", await StatusAsync(client, $"{p}?asOf=2013-06-30&knownAt={Uri.EscapeDataString(beforeCorrection)}"));
        Assert.Equal("Active", await StatusAsync(client, $"{p}?asOf=2013-06-30"));
        var convention = (await client.GetAsync($"{p}?asOf=2013-06-30")).GetProperty("conventions")[0];
        Assert.Equal("2012-05-04", convention.GetProperty("signedOn").GetString());
        var history = (await client.GetAsync($"{p}/history")).GetProperty("events");
        Assert.Equal(["partnership_registered", "convention_signed", "correction_recorded"], history.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_correction_of_a_correction_gives_the_last_value()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/funding", new { funder = new { name = "MEAE", kind = "State" }, amount = "1710.00", year = 2017, mechanism = "MinistryCall", effectiveAt = "2017-02-01", reason = "Atlas" });
        var funding = await EventAsync(client, p, "funding_committed");
        await client.PostAsync($"{p}/corrections", new { correctsEventId = funding.GetProperty("eventId").GetString(), changes = new { amount = 17000 }, reason = "typo" });
        var firstCorrection = await EventAsync(client, p, "correction_recorded");

        await client.PostAsync($"{p}/corrections", new { correctsEventId = firstCorrection.GetProperty("eventId").GetString(), changes = new { amount = 17100 }, reason = "typo again" });

        var line = (await client.GetAsync($"{p}?asOf=2017-12-31")).GetProperty("funding")[0];
        Assert.Equal("17100.00", line.GetProperty("amount").GetString());
    }

    [Fact]
    public async Task A_chain_of_three_corrections_gives_the_last_value()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/funding", new { funder = new { name = "MEAE", kind = "State" }, amount = "1.00", year = 2017, mechanism = "MinistryCall", effectiveAt = "2017-02-01", reason = "Atlas" });
        var target = (await EventAsync(client, p, "funding_committed")).GetProperty("eventId").GetString();
        foreach (var amount in new[] { 2, 3, 4 })
        {
            await client.PostAsync($"{p}/corrections", new { correctsEventId = target, changes = new { amount }, reason = "typo" });
            target = (await EventAsync(client, p, "correction_recorded")).GetProperty("eventId").GetString();
        }

        Assert.Equal("4.00", (await client.GetAsync($"{p}?asOf=2017-12-31")).GetProperty("funding")[0].GetProperty("amount").GetString());
    }

    [Fact]
    public async Task A_correction_that_would_break_the_event_or_a_rule_is_400_even_through_a_chain_and_writes_nothing()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        await client.PostAsync($"{p}/funding", new { funder = new { name = "MEAE", kind = "State" }, amount = "100.00", year = 2017, mechanism = "MinistryCall", effectiveAt = "2017-02-01", reason = "Atlas" });
        var funding = (await EventAsync(client, p, "funding_committed")).GetProperty("eventId").GetString();
        await client.PostAsync($"{p}/corrections", new { correctsEventId = funding, changes = new { amount = 200 }, reason = "typo" });
        var correction = (await EventAsync(client, p, "correction_recorded")).GetProperty("eventId").GetString();
        var before = await api.CountEventsAsync();

        foreach (var (target, changes) in new (string?, object)[]
        {
            (funding, new { funder = (object?)null }),
            (funding, new { amount = -5 }),
            (funding, new { amount = "abc" }),
            (correction, new { amount = "abc" }),
            (correction, new { amount = 0 }),
        })
        {
            var response = await client.Http.PostAsJsonAsync(new Uri($"{p}/corrections", UriKind.Relative),
                new { correctsEventId = target, changes, reason = "r" }, Cancel);
            var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("changes", out _), problem.ToString());
        }

        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal("200.00", (await client.GetAsync($"{p}?asOf=2017-12-31")).GetProperty("funding")[0].GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Correcting_an_unknown_event_is_404_and_a_field_the_event_lacks_is_400_and_neither_writes()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var registration = await EventAsync(client, p, "partnership_registered");
        var before = await api.CountEventsAsync();

        var unknown = await client.Http.PostAsJsonAsync(new Uri($"{p}/corrections", UriKind.Relative),
            new { correctsEventId = Guid.NewGuid(), changes = new { title = "x" }, reason = "r" }, Cancel);
        var noSuchField = await client.Http.PostAsJsonAsync(new Uri($"{p}/corrections", UriKind.Relative),
            new { correctsEventId = registration.GetProperty("eventId").GetString(), changes = new { budget = 12 }, reason = "r" }, Cancel);

        await Problems.ReadAsync(unknown, HttpStatusCode.NotFound);
        var errors = (await Problems.ReadAsync(noSuchField, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("changes.budget", out _), errors.ToString());
        Assert.Equal(before, await api.CountEventsAsync());
    }

    private static async Task<JsonElement> EventAsync(ApiClient client, string p, string type) =>
        (await client.GetAsync($"{p}/history")).GetProperty("events").EnumerateArray().Last(e => e.GetProperty("type").GetString() == type);

    private static async Task<string?> StatusAsync(ApiClient client, string path) => (await client.GetAsync(path)).GetProperty("status").GetString();

    private Task<string> NowAsync() =>
        api.ScalarAsync<string>("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
}
