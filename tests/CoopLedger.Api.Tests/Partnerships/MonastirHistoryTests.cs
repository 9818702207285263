using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>DOMAIN.md's worked history, Saint-Étienne – Monastir, driven through HTTP with its real dates.</summary>
public sealed class MonastirHistoryTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_worked_history_gives_the_answers_DOMAIN_md_expects()
    {
        var client = new ApiClient(api.CreateClient());
        var registered = await client.PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created);
        var id = registered.GetProperty("id").GetString();
        var p = $"/api/partnerships/{id}";

        var convention = await client.PostAsync($"{p}/conventions", new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", title = "Convention de coopération", reason = "Atlas" });
        var conventionId = convention.GetProperty("conventionId").GetString();
        await client.PostAsync($"{p}/conventions/{conventionId}/renewals", new { signedOn = "2015-12-10", validFrom = "2016-01-01", validTo = "2018-12-31", reason = "Atlas" });

        var plan = await client.PostAsync($"{p}/action-plans", new
        {
            from = "2016-01-01",
            to = "2018-12-31",
            reason = "Plan d'action triennal",
            challenges = new[]
            {
                Challenge("Favoriser l'entrepreneuriat", "Incubateur international d'entreprises", "Concours de l'entrepreneuriat"),
                Challenge("Améliorer et développer l'insertion professionnelle", "Identifier des niches d'emploi inexploitées", "Relier les sites d'emploi et de stage"),
                Challenge("Partager des pratiques de formation", "Échanges de formateurs", "Mobilité des apprenants", "Échanges entre services municipaux"),
                Challenge("Coordonner et valoriser les projets réalisés", "Événement annuel de valorisation", "Coordination opérationnelle"),
            },
        });
        var actions = plan.GetProperty("challenges").EnumerateArray()
            .SelectMany(c => c.GetProperty("actions").EnumerateArray())
            .ToDictionary(a => a.GetProperty("title").GetString()!, a => a.GetProperty("actionId").GetString()!);

        // After year one: one action abandoned, some postponed to 2017, a new partner, the 2017 programme of 8 actions.
        await client.PostAsync($"{p}/actions/{actions["Relier les sites d'emploi et de stage"]}/abandonment",
            new { reason = "Jugée non pertinente", effectiveAt = "2017-01-15" });
        await client.PostAsync($"{p}/actions/{actions["Mobilité des apprenants"]}/postponement", new { toYear = 2017, effectiveAt = "2017-01-15", reason = "report" });
        await client.PostAsync($"{p}/partners", new { name = "La Voix de l'Enfant", kind = "AssociatedActor", country = "FR", effectiveAt = "2017-01-20", reason = "Atlas" });
        await client.PostAsync($"{p}/annual-programmes", new
        {
            year = 2017,
            actionIds = actions.Where(a => a.Key != "Relier les sites d'emploi et de stage").Select(a => a.Value),
            effectiveAt = "2017-01-31",
            reason = "Programme 2017",
        });
        foreach (var (funder, kind, amount) in new[]
        {
            ("MEAE", "State", "17100.00"), ("Saint-Étienne", "FrenchAuthority", "31230.00"), ("Partenaires de Monastir", "ForeignAuthority", "13340.00"),
            ("Lycée de la Mode Adrien Testud", "School", "600.00"), ("Lycée hôtelier Les Petites Bruyères", "School", "300.00"),
        })
        {
            var committed = await client.PostAsync($"{p}/funding", new
            {
                funder = new { name = funder, kind },
                amount,
                year = 2017,
                mechanism = kind == "State" ? "MinistryCall" : "GeneralBudget",
                effectiveAt = "2017-02-01",
                reason = "Atlas 2017",
            });
            Assert.False(committed.TryGetProperty("warnings", out _), "a convention is in force in 2017: no warning");
        }

        var plan2016 = await client.GetAsync($"{p}/plan?asOf=2016-06-30");
        Assert.Equal(4, plan2016.GetProperty("challenges").GetArrayLength());
        Assert.Equal(9, LiveActions(plan2016));

        var plan2017 = await client.GetAsync($"{p}/plan?asOf=2017-03-01");
        Assert.Equal(8, LiveActions(plan2017));
        Assert.Equal(1, Actions(plan2017).Count(a => a.GetProperty("status").GetString() == "Abandoned"));
        Assert.Equal(8, plan2017.GetProperty("annualProgrammes")[0].GetProperty("actionIds").GetArrayLength());

        Assert.Equal("Active", (await client.GetAsync($"{p}?asOf=2016-06-30")).GetProperty("status").GetString());
        Assert.NotEqual("Active", (await client.GetAsync($"{p}?asOf=2019-01-15")).GetProperty("status").GetString());

        var funding2017 = (await client.GetAsync($"{p}?asOf=2017-12-31")).GetProperty("funding").EnumerateArray()
            .Where(f => f.GetProperty("year").GetInt32() == 2017 && !f.GetProperty("withdrawn").GetBoolean()).ToList();
        Assert.Equal(62570.00m, funding2017.Sum(f => decimal.Parse(f.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal("17100.00", funding2017.Single(f => f.GetProperty("funder").GetProperty("kind").GetString() == "State").GetProperty("amount").GetString());
    }

    private static object Challenge(string title, params string[] actions) => new { title, actions = actions.Select(a => new { title = a }) };

    private static IEnumerable<JsonElement> Actions(JsonElement plan) =>
        plan.GetProperty("challenges").EnumerateArray().SelectMany(c => c.GetProperty("actions").EnumerateArray());

    private static int LiveActions(JsonElement plan) => Actions(plan).Count(a => a.GetProperty("status").GetString() != "Abandoned");
}
