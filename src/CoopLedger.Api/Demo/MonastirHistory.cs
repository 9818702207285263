namespace CoopLedger.Api.Demo;

/// <summary>
/// DOMAIN.md's worked history, Saint-Étienne – Monastir (Tunisia), from the Atlas of decentralised cooperation,
/// entered with its real dates: convention 2012, renewal for 2016–2018, the 2016 plan of 4 challenges and 9 actions,
/// one action abandoned and one postponed after year one, a new partner, the 2017 programme and funding.
/// </summary>
public static class MonastirHistory
{
    /// <summary>The action abandoned after year one.</summary>
    public const string AbandonedAction = "Relier les sites d'emploi et de stage";

    private static readonly (string Challenge, string[] Actions)[] Plan =
    [
        ("Favoriser l'entrepreneuriat", ["Incubateur international d'entreprises", "Concours de l'entrepreneuriat"]),
        ("Améliorer et développer l'insertion professionnelle", ["Identifier des niches d'emploi inexploitées", AbandonedAction]),
        ("Partager des pratiques de formation", ["Échanges de formateurs", "Mobilité des apprenants", "Échanges entre services municipaux"]),
        ("Coordonner et valoriser les projets réalisés", ["Événement annuel de valorisation", "Coordination opérationnelle"]),
    ];

    private static readonly (string Funder, string Kind, string Amount)[] Funding2017 =
    [
        ("MEAE", "State", "17100.00"),
        ("Saint-Étienne", "FrenchAuthority", "31230.00"),
        ("Partenaires de Monastir", "ForeignAuthority", "13340.00"),
        ("Lycée de la Mode Adrien Testud", "School", "600.00"),
        ("Lycée hôtelier Les Petites Bruyères", "School", "300.00"),
    ];

    /// <summary>Enters the history and returns the partnership's path.</summary>
    public static async Task<string> EnterAsync(DemoClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var p = await client.RegisterAsync(new
        {
            title = "Saint-Étienne – Monastir",
            form = "DecentralisedCooperation",
            frenchAuthorities = new[] { new { siren = "214202186", name = "Saint-Étienne", kind = "Commune" } },
            foreignPartners = new[] { new { name = "Monastir", country = "TN", kind = "Commune" } },
            primaryTheme = new[] { "Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières" },
            effectiveAt = "2009-01-01",
            reason = "First exchanges in 2009, entered from the Atlas",
        }, cancellationToken);

        var convention = await client.PostAsync($"{p}/conventions",
            new { signedOn = "2012-05-04", validFrom = "2012-05-04", validTo = "2015-12-31", title = "Convention de coopération", reason = "Atlas" }, cancellationToken);
        await client.PostAsync($"{p}/conventions/{convention.GetProperty("conventionId").GetString()}/renewals",
            new { signedOn = "2015-12-10", validFrom = "2016-01-01", validTo = "2018-12-31", reason = "Renewed for three years" }, cancellationToken);

        var adopted = await client.PostAsync($"{p}/action-plans", new
        {
            from = "2016-01-01",
            to = "2018-12-31",
            reason = "Three-year action plan",
            challenges = Plan.Select(c => new { title = c.Challenge, actions = c.Actions.Select(a => new { title = a }) }),
        }, cancellationToken);
        var actions = adopted.GetProperty("challenges").EnumerateArray()
            .SelectMany(c => c.GetProperty("actions").EnumerateArray())
            .ToDictionary(a => a.GetProperty("title").GetString()!, a => a.GetProperty("actionId").GetString()!);

        await client.PostAsync($"{p}/actions/{actions[AbandonedAction]}/abandonment",
            new { reason = "Judged not relevant after year one", effectiveAt = "2017-01-15" }, cancellationToken);
        await client.PostAsync($"{p}/actions/{actions["Mobilité des apprenants"]}/postponement",
            new { toYear = 2017, effectiveAt = "2017-01-15", reason = "Postponed to 2017" }, cancellationToken);
        await client.PostAsync($"{p}/partners",
            new { name = "La Voix de l'Enfant", kind = "AssociatedActor", country = "FR", effectiveAt = "2017-01-20", reason = "Atlas" }, cancellationToken);
        await client.PostAsync($"{p}/annual-programmes", new
        {
            year = 2017,
            actionIds = actions.Where(a => a.Key != AbandonedAction).Select(a => a.Value),
            effectiveAt = "2017-01-31",
            reason = "2017 programme",
        }, cancellationToken);
        foreach (var (funder, kind, amount) in Funding2017)
        {
            await client.PostAsync($"{p}/funding", new
            {
                funder = new { name = funder, kind },
                amount,
                year = 2017,
                mechanism = kind == "State" ? "MinistryCall" : "GeneralBudget",
                effectiveAt = "2017-02-01",
                reason = "Atlas, 2017 funding",
            }, cancellationToken);
        }

        await client.PostAsync($"{p}/termination", new { endDate = "2018-12-31", reason = "End of the three-year programme (Atlas: Terminé)" }, cancellationToken);
        return p;
    }
}
