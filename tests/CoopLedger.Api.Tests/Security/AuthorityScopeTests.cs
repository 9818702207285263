using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;

namespace CoopLedger.Api.Tests.Security;

/// <summary>An officer writes only for the partnerships of its own authorities, and signs what it records.</summary>
public sealed class AuthorityScopeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string SaintEtienne = "214202186";
    private const string Region = "200053759";

    [Fact]
    public async Task An_officer_of_another_authority_cannot_write_to_the_partnership_and_nothing_is_written()
    {
        var partnership = await RegisterAsync(Officer(SaintEtienne), SaintEtienne);
        var before = await api.CountEventsAsync();

        var response = await Officer(Region).PostAsJsonAsync(new Uri($"{partnership}/challenges", UriKind.Relative), new { title = "Intrusion" }, Cancel);

        var problem = await Problems.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("None of your authorities", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_officer_registers_only_partnerships_its_own_authority_takes_part_in()
    {
        var before = await api.CountEventsAsync();
        var foreign = await Officer(Region).PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Registration(SaintEtienne), Cancel);
        await Problems.ReadAsync(foreign, HttpStatusCode.Forbidden);
        Assert.Equal(before, await api.CountEventsAsync());

        var joint = await Officer(Region).PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Registration(SaintEtienne, Region), Cancel);
        Assert.Equal(HttpStatusCode.Created, joint.StatusCode);
    }

    [Fact]
    public async Task A_French_authority_that_joins_may_write_and_one_that_leaves_may_not()
    {
        var partnership = await RegisterAsync(Officer(SaintEtienne), SaintEtienne);
        var joined = await Read(await Officer(SaintEtienne).PostAsJsonAsync(new Uri($"{partnership}/partners", UriKind.Relative),
            new { name = "Région (démo)", kind = "FrenchAuthority", siren = Region }, Cancel));

        var asMember = await Officer(Region).PostAsJsonAsync(new Uri($"{partnership}/challenges", UriKind.Relative), new { title = "Culture" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, asMember.StatusCode);

        await Officer(SaintEtienne).PostAsJsonAsync(new Uri($"{partnership}/partners/{joined.GetProperty("partnerId").GetString()}/departure", UriKind.Relative), new { }, Cancel);
        var before = await api.CountEventsAsync();
        var afterLeaving = await Officer(Region).PostAsJsonAsync(new Uri($"{partnership}/challenges", UriKind.Relative), new { title = "Sport" }, Cancel);
        await Problems.ReadAsync(afterLeaving, HttpStatusCode.Forbidden);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task The_events_actor_is_the_token_subject_whatever_the_request_claims()
    {
        var officer = api.CreateClient(new TokenRequest("agent-4711@saint-etienne", [Roles.Officer], [SaintEtienne], TimeSpan.FromHours(1)));
        officer.DefaultRequestHeaders.Add("X-Actor", "someone-else");
        var partnership = await RegisterAsync(officer, SaintEtienne);

        var history = await new ApiClient(api.CreateClient()).GetAsync($"{partnership}/history");

        Assert.Equal("agent-4711@saint-etienne", history.GetProperty("events")[0].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Commands_on_an_unknown_partnership_stay_404_for_an_officer()
    {
        var response = await Officer(Region).PostAsJsonAsync(new Uri($"/api/partnerships/{Guid.NewGuid()}/challenges", UriKind.Relative), new { title = "x" }, Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_correction_cannot_hand_the_partnership_to_another_authority_nor_lock_one_out()
    {
        var partnership = await RegisterAsync(Officer(SaintEtienne), SaintEtienne);
        var registration = (await new ApiClient(api.CreateClient()).GetAsync($"{partnership}/history")).GetProperty("events")[0].GetProperty("eventId").GetString();
        var before = await api.CountEventsAsync();

        foreach (var authorities in new object[] { new[] { new { siren = Region, name = "Région", kind = "Region" } },
            new[] { new { siren = SaintEtienne, name = "S", kind = "Commune" }, new { siren = Region, name = "R", kind = "Region" } } })
        {
            var response = await Officer(SaintEtienne).PostAsJsonAsync(new Uri($"{partnership}/corrections", UriKind.Relative),
                new { correctsEventId = registration, changes = new { frenchAuthorities = authorities }, reason = "saisie" }, Cancel);
            var problem = await Problems.ReadAsync(response, HttpStatusCode.Conflict);
            Assert.Equal("authorities-by-partners", problem.GetProperty("code").GetString());
        }

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task An_outsider_correcting_learns_nothing_about_the_stream_and_writes_nothing()
    {
        var partnership = await RegisterAsync(Officer(SaintEtienne), SaintEtienne);
        var before = await api.CountEventsAsync();

        var response = await Officer(Region).PostAsJsonAsync(new Uri($"{partnership}/corrections", UriKind.Relative),
            new { correctsEventId = Guid.NewGuid(), changes = new { title = "x" }, reason = "x" }, Cancel);

        await Problems.ReadAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await api.CountEventsAsync());
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Officer(string siren) => api.CreateClient(ApiFactory.Holder(Roles.Officer, siren));

    private static object Registration(params string[] sirens) => new
    {
        title = "Coopération",
        form = "DecentralisedCooperation",
        frenchAuthorities = sirens.Select(s => new { siren = s, name = $"Collectivité {s}" }).ToArray(),
        foreignPartners = new[] { new { name = "Monastir", country = "TN" } },
    };

    private static async Task<string> RegisterAsync(HttpClient officer, params string[] sirens)
    {
        var answer = await Read(await officer.PostAsJsonAsync(new Uri("/api/partnerships", UriKind.Relative), Registration(sirens), Cancel));
        return $"/api/partnerships/{answer.GetProperty("id").GetString()}";
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
