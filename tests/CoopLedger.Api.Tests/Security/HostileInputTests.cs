using System.Net;
using System.Text;
using System.Text.Json;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Security;

/// <summary>Input built to hurt: every piece is refused with a 400 naming the field at fault, and nothing is written.</summary>
public sealed class HostileInputTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Authorities = """[{ "siren": "214202186", "name": "Saint-Étienne" }]""";
    private const string Partners = """[{ "name": "Monastir", "country": "TN" }]""";

    public static TheoryData<string, string, string> Refused => new()
    {
        // An unknown property, at the top and nested: a misspelt optional field must not vanish silently.
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}}, "colour": "red" }""", "$.colour" },
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": [{ "siren": "214202186", "name": "S", "mayor": "X" }], "foreignPartners": {{Partners}} }""", "$.frenchAuthorities[0].mayor" },
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}}, "efectiveAt": "2020-01-01" }""", "$.efectiveAt" },
        // Nesting far deeper than any command needs.
        { "/api/partnerships", $$"""{ "title": {{new string('[', 200)}}{{new string(']', 200)}} }""", "$.title" },
        // Text beyond its limit.
        { "/api/partnerships", $$"""{ "title": "{{new string('A', 100_000)}}", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}} }""", "title" },
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}}, "primaryTheme": ["{{new string('x', 5000)}}"] }""", "primaryTheme" },
        // Lists beyond their limit.
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": [{{string.Join(",", Enumerable.Repeat("""{ "name": "M", "country": "TN" }""", 201))}}] }""", "foreignPartners" },
        // SQL and script payloads where a code is expected.
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning'; DROP TABLE ledger.events; --", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}} }""", "form" },
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": [{ "siren": "1 OR 1=1", "name": "S" }], "foreignPartners": {{Partners}} }""", "frenchAuthorities[0].siren" },
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": [{ "name": "M", "country": "<script>alert(1)</script>" }] }""", "foreignPartners[0].country" },
        // Dates and numbers out of range or of the wrong type.
        { "/api/partnerships", $$"""{ "title": "T", "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}}, "effectiveAt": "0001-01-01" }""", "effectiveAt" },
        { "/api/partnerships", $$"""{ "title": 12, "form": "Twinning", "frenchAuthorities": {{Authorities}}, "foreignPartners": {{Partners}} }""", "$.title" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Hostile_bodies_are_refused_naming_the_field_and_nothing_is_written(string path, string body, string field)
    {
        var before = await api.CountEventsAsync();

        var response = await api.CreateClient().PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancel);

        var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.DoesNotContain("CoopLedger.", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Absurd_money_and_too_many_programme_actions_are_refused_on_an_existing_partnership()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString();
        var before = await api.CountEventsAsync();

        foreach (var (path, body, field) in new[]
        {
            ("funding", """{ "funder": { "name": "Ville", "kind": "State" }, "amount": "1e308", "year": 2020, "mechanism": "GeneralBudget" }""", "amount"),
            ("funding", """{ "funder": { "name": "Ville", "kind": "State" }, "amount": "99999999999999999.00", "year": 2020, "mechanism": "GeneralBudget" }""", "amount"),
            ("funding", """{ "funder": { "name": "Ville", "kind": "State" }, "amount": "100.00", "year": 20200, "mechanism": "GeneralBudget" }""", "year"),
            ("annual-programmes", $$"""{ "year": 2020, "actionIds": [{{string.Join(",", Enumerable.Range(0, 1001).Select(_ => $"\"{Guid.NewGuid()}\""))}}] }""", "actionIds"),
        })
        {
            var response = await api.CreateClient().PostAsync(new Uri($"/api/partnerships/{id}/{path}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
            var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData("/api/partnerships?siren=1'%20OR%20'1'='1", "siren")]
    [InlineData("/api/partnerships?country=%3Cscript%3E", "country")]
    [InlineData("/api/partnerships?limit=100000", "limit")]
    [InlineData("/api/partnerships?asOf=0001-01-01", "asOf")]
    [InlineData("/api/reports/funding-per-year?knownAt=9999-12-31T00:00:00Z", "knownAt")]
    [InlineData("/api/reports/actions-per-challenge?limit=-1", "limit")]
    public async Task Hostile_query_parameters_are_refused_naming_them(string query, string field)
    {
        var response = await api.CreateClient().GetAsync(new Uri(query, UriKind.Relative), Cancel);

        var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.Contains(field, StringComparison.OrdinalIgnoreCase)), problem.ToString());
    }

    [Fact]
    public async Task A_cursor_that_is_not_an_id_is_a_400()
    {
        var response = await api.CreateClient().GetAsync(new Uri("/api/partnerships?cursor=x'%20OR%201=1--", UriKind.Relative), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.True(json.RootElement.TryGetProperty("title", out _));
    }
}
