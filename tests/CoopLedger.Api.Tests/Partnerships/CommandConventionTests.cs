using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>The conventions every command follows (API.md), and that a refused command writes nothing.</summary>
public sealed class CommandConventionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registration_answers_201_with_Location_ETag_version_and_position()
    {
        var response = await api.CreateClient().PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), ApiClient.Registration(), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal($"/api/partnerships/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.True(body.GetProperty("position").GetInt64() > 0);
    }

    [Fact]
    public async Task A_stale_If_Match_answers_412_and_writes_nothing()
    {
        var id = await RegisterAsync();
        await Post($"/api/partnerships/{id}/challenges", new { title = "Jeunesse" });
        var before = await api.CountEventsAsync();

        var response = await Post($"/api/partnerships/{id}/challenges", new { title = "Culture" }, ifMatch: "\"1\"");

        var problem = await Problems.ReadAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(before, await api.CountEventsAsync());
        Assert.Equal(HttpStatusCode.OK, (await Post($"/api/partnerships/{id}/challenges", new { title = "Culture" }, ifMatch: "\"2\"")).StatusCode);
    }

    [Fact]
    public async Task A_retry_with_the_same_Idempotency_Key_returns_the_first_answer_and_writes_nothing()
    {
        var id = await RegisterAsync();
        var first = await Post($"/api/partnerships/{id}/challenges", new { title = "Jeunesse" }, key: "key-1");
        var firstBody = await first.Content.ReadAsStringAsync(Cancel);
        var before = await api.CountEventsAsync();

        var retry = await Post($"/api/partnerships/{id}/challenges", new { title = "Jeunesse" }, key: "key-1");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Reusing_an_Idempotency_Key_with_another_body_answers_422_and_writes_nothing()
    {
        var id = await RegisterAsync();
        await Post($"/api/partnerships/{id}/challenges", new { title = "Jeunesse" }, key: "key-2");
        var before = await api.CountEventsAsync();

        var response = await Post($"/api/partnerships/{id}/challenges", new { title = "Culture" }, key: "key-2");

        await Problems.ReadAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Unknown_partnership_and_unknown_action_answer_404_and_write_nothing()
    {
        var id = await RegisterAsync();
        var before = await api.CountEventsAsync();

        await Problems.ReadAsync(await Post($"/api/partnerships/{Guid.NewGuid()}/challenges", new { title = "x" }), HttpStatusCode.NotFound);
        await Problems.ReadAsync(await Post($"/api/partnerships/{id}/actions/{Guid.NewGuid()}/start", new { }), HttpStatusCode.NotFound);
        var response = await api.CreateClient().GetAsync(new Uri($"/api/partnerships/{Guid.NewGuid()}", UriKind.Relative), Cancel);
        await Problems.ReadAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_change_effective_more_than_30_days_ago_needs_a_reason_and_writes_nothing_without()
    {
        var id = await RegisterAsync();
        var before = await api.CountEventsAsync();

        var response = await Post($"/api/partnerships/{id}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31" });

        var problem = await Problems.ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(before, await api.CountEventsAsync());
        var recent = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-10)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var accepted = await Post($"/api/partnerships/{id}/conventions", new { signedOn = recent, validFrom = recent });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_domain_refusal_answers_409_with_its_code_and_writes_nothing()
    {
        var id = await RegisterAsync();
        var convention = await Post($"/api/partnerships/{id}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", reason = "Atlas" });
        var conventionId = JsonDocument.Parse(await convention.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("conventionId").GetString();
        await Post($"/api/partnerships/{id}/termination", new { endDate = "2015-12-31", reason = "fin" });
        var before = await api.CountEventsAsync();

        var response = await Post($"/api/partnerships/{id}/conventions/{conventionId}/renewals", new { signedOn = "2016-01-05", validFrom = "2016-01-01", validTo = "2018-12-31", reason = "Atlas" });

        var problem = await Problems.ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("partnership-ended", problem.GetProperty("code").GetString());
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Invalid_fields_answer_400_naming_each_field_and_write_nothing()
    {
        var before = await api.CountEventsAsync();

        var response = await Post("/api/partnerships", new
        {
            title = "",
            form = "Friendship",
            frenchAuthorities = new[] { new { siren = "214202187", name = "Saint-Étienne" } },
            foreignPartners = new[] { new { name = "Monastir", country = "XX" } },
        });

        var errors = (await Problems.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "title", "form", "frenchAuthorities[0].siren", "foreignPartners[0].country" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} not named in {errors}");
        }

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Text_with_a_NUL_character_is_400_naming_the_field_not_500()
    {
        var id = await RegisterAsync();
        var before = await api.CountEventsAsync();

        // PostgreSQL stores no U+0000 in text or jsonb: caught at the door, not as a database error.
        var challenge = await Post($"/api/partnerships/{id}/challenges", new { title = "Eau \u0000 potable" });
        var registration = await Post("/api/partnerships", new
        {
            title = "Saint-Étienne – Monastir",
            form = "DecentralisedCooperation",
            frenchAuthorities = new[] { new { siren = "214202186", name = "Saint-\u0000Étienne", kind = "Commune" } },
            foreignPartners = new[] { new { name = "Monastir", country = "TN", kind = "Commune" } },
        });

        Assert.True((await Problems.ReadAsync(challenge, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("title", out _));
        Assert.True((await Problems.ReadAsync(registration, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("frenchAuthorities[0].name", out _));
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Money_must_be_a_string_with_two_decimals()
    {
        var id = await RegisterAsync();

        var response = await Post($"/api/partnerships/{id}/funding", new { funder = new { name = "MEAE", kind = "State" }, amount = "17100.5", year = 2017, mechanism = "MinistryCall" });

        var errors = (await Problems.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("amount", out _));
    }

    [Theory]
    [InlineData("17100.00\n")]
    [InlineData("١٧١٠٠.٠٠")]
    [InlineData("17 100,00")]
    public async Task Money_that_only_looks_like_two_decimals_is_400_not_500(string amount)
    {
        var id = await RegisterAsync();

        var response = await Post($"/api/partnerships/{id}/funding", new { funder = new { name = "MEAE", kind = "State" }, amount, year = 2017, mechanism = "MinistryCall" });

        Assert.True((await Problems.ReadAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("amount", out _));
    }

    [Fact]
    public async Task Dates_outside_1950_2100_are_400_in_bodies_effectiveAt_and_asOf()
    {
        var id = await RegisterAsync();
        var before = await api.CountEventsAsync();

        var signedOn = await Post($"/api/partnerships/{id}/conventions", new { signedOn = "0001-01-01", validFrom = "2012-05-04" });
        var effective = await Post($"/api/partnerships/{id}/challenges", new { title = "x", effectiveAt = "0001-01-01" });
        var asOf = await api.CreateClient().GetAsync(new Uri($"/api/partnerships/{id}?asOf=9999-12-31", UriKind.Relative), Cancel);

        Assert.True((await Problems.ReadAsync(signedOn, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("signedOn", out _));
        Assert.True((await Problems.ReadAsync(effective, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("effectiveAt", out _));
        await Problems.ReadAsync(asOf, HttpStatusCode.BadRequest);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_Idempotency_Key_used_by_another_actor_on_the_same_partnership_is_an_independent_command()
    {
        var id = await RegisterAsync();
        var first = await Post($"/api/partnerships/{id}/challenges", new { title = "Jeunesse" }, key: "shared-key", actor: "officer-a");

        var second = await Post($"/api/partnerships/{id}/challenges", new { title = "Culture" }, key: "shared-key", actor: "officer-b");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var plan = await new ApiClient(api.CreateClient()).GetAsync($"/api/partnerships/{id}/plan");
        Assert.Equal(["Jeunesse", "Culture"], plan.GetProperty("challenges").EnumerateArray().Select(c => c.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Funding_without_a_convention_in_force_is_accepted_with_a_warning()
    {
        var id = await RegisterAsync();

        var response = await Post($"/api/partnerships/{id}/funding", new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "5000.00", year = 2023, mechanism = "GeneralBudget", effectiveAt = "2023-10-01", reason = "aide d'urgence" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal(1, body.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_and_writes_nothing()
    {
        var before = await api.CountEventsAsync();

        var response = await api.CreateClient().PostAsync(new Uri("/api/partnerships", UriKind.Relative),
            new StringContent($$"""{ "title": "{{new string('x', 2 * 1024 * 1024)}}" }""", Encoding.UTF8, "application/json"), Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Concurrent_commands_without_If_Match_all_land()
    {
        var id = await RegisterAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Post($"/api/partnerships/{id}/challenges", new { title = $"Défi {i}" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var plan = await new ApiClient(api.CreateClient()).GetAsync($"/api/partnerships/{id}/plan");
        Assert.Equal(16, plan.GetProperty("challenges").GetArrayLength());
    }

    private async Task<string> RegisterAsync() =>
        (await new ApiClient(api.CreateClient()).PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private Task<HttpResponseMessage> Post(string path, object body, string? ifMatch = null, string? key = null, string? actor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var client = actor is null
            ? api.CreateClient()
            : api.CreateClient(new TokenRequest(actor, [Roles.Officer], ApiFactory.TestAuthorities, TimeSpan.FromHours(1)));
        return client.SendAsync(request, Cancel);
    }

    [Fact]
    public async Task A_partnership_read_carries_its_version_as_ETag_for_the_next_If_Match()
    {
        var id = await RegisterAsync();
        await Post($"/api/partnerships/{id}/challenges", new { title = "Eau" });

        var read = await api.CreateClient().GetAsync(new Uri($"/api/partnerships/{id}", UriKind.Relative), Cancel);
        var plan = await api.CreateClient().GetAsync(new Uri($"/api/partnerships/{id}/plan", UriKind.Relative), Cancel);
        var current = await Post($"/api/partnerships/{id}/challenges", new { title = "Culture" }, ifMatch: read.Headers.ETag!.Tag);
        var stale = await Post($"/api/partnerships/{id}/challenges", new { title = "Sport" }, ifMatch: read.Headers.ETag!.Tag);

        Assert.Equal("\"2\"", read.Headers.ETag.Tag);
        Assert.Equal(read.Headers.ETag, plan.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
    }
}
