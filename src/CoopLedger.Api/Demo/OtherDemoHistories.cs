namespace CoopLedger.Api.Demo;

/// <summary>
/// Illustrative partnerships of other shapes DOMAIN.md lists (names marked "démo": not records of real agreements):
/// a twinning left to lapse, emergency aid with no convention, a youth-mobility programme with Québec.
/// </summary>
public static class OtherDemoHistories
{
    /// <summary>Enters them and returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> EnterAsync(DemoClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return [await TwinningAsync(client, cancellationToken), await EmergencyAidAsync(client, cancellationToken), await YouthMobilityAsync(client, cancellationToken)];
    }

    private static async Task<string> TwinningAsync(DemoClient client, CancellationToken cancellationToken)
    {
        var p = await client.RegisterAsync(new
        {
            title = "Jumelage (démo) Saint-Étienne – Allemagne",
            form = "Twinning",
            frenchAuthorities = new[] { new { siren = "214202186", name = "Saint-Étienne", kind = "Commune" } },
            foreignPartners = new[] { new { name = "Ville jumelle (démo)", country = "DE" } },
            effectiveAt = "1985-01-01",
            reason = "Demo data",
        }, cancellationToken);
        var convention = await client.PostAsync($"{p}/conventions",
            new { signedOn = "1985-06-15", validFrom = "1985-06-15", validTo = "1995-06-14", title = "Charte de jumelage", reason = "Demo data" }, cancellationToken);
        await client.PostAsync($"{p}/conventions/{convention.GetProperty("conventionId").GetString()}/renewals",
            new { signedOn = "1995-05-01", validFrom = "1995-06-15", validTo = "2005-06-14", reason = "Renewed for ten years, then left to lapse" }, cancellationToken);
        return p;
    }

    private static async Task<string> EmergencyAidAsync(DemoClient client, CancellationToken cancellationToken)
    {
        var p = await client.RegisterAsync(new
        {
            title = "Aide d'urgence (démo) après un séisme",
            form = "EmergencyAid",
            frenchAuthorities = new[] { new { siren = "200053759", name = "Région (démo)", kind = "Region" } },
            foreignPartners = new[] { new { name = "Province sinistrée (démo)", country = "MA" } },
            effectiveAt = "2023-09-10",
            reason = "Demo data",
        }, cancellationToken);
        // Urgent humanitarian aid needs no convention: accepted, with a warning.
        await client.PostAsync($"{p}/funding", new
        {
            funder = new { name = "Région (démo)", kind = "FrenchAuthority" },
            amount = "100000.00",
            year = 2023,
            mechanism = "GeneralBudget",
            effectiveAt = "2023-09-12",
            reason = "Emergency aid, no convention",
        }, cancellationToken);
        return p;
    }

    private static async Task<string> YouthMobilityAsync(DemoClient client, CancellationToken cancellationToken)
    {
        var p = await client.RegisterAsync(new
        {
            title = "Mobilité des jeunes (démo) Loire – Québec",
            form = "YouthMobility",
            frenchAuthorities = new[] { new { siren = "214202186", name = "Saint-Étienne", kind = "Commune" } },
            foreignPartners = new[] { new { name = "Municipalité québécoise (démo)", country = "CA" } },
            effectiveAt = "2019-01-01",
            reason = "Demo data",
        }, cancellationToken);
        await client.PostAsync($"{p}/partners", new { name = "OFQJ", kind = "AssociatedActor", country = "FR", effectiveAt = "2019-01-01", reason = "Demo data" }, cancellationToken);
        await client.PostAsync($"{p}/conventions",
            new { signedOn = "2019-02-01", validFrom = "2019-02-01", validTo = "2021-12-31", title = "Programme de mobilité", reason = "Demo data" }, cancellationToken);
        await client.PostAsync($"{p}/action-plans", new
        {
            from = "2019-02-01",
            to = "2021-12-31",
            reason = "Demo data",
            challenges = new[]
            {
                new { title = "Mobilité de 34 jeunes", actions = new[] { new { title = "14 demandeurs d'emploi" }, new { title = "14 jeunes suivis par la Mission Locale" }, new { title = "6 jeunes entrepreneurs" } } },
            },
        }, cancellationToken);
        return p;
    }
}
