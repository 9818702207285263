using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Domain.Tests;

/// <summary>Events of DOMAIN.md's worked history (Saint-Étienne – Monastir), with fixed ids.</summary>
internal static class Histories
{
    public static readonly Guid Partnership = Guid.Parse("5a1e7e7e-0000-4000-8000-000000000001");
    public static readonly Guid Convention2012 = Guid.Parse("5a1e7e7e-0000-4000-8000-0000000000c1");

    public static PartnershipRegistered Registered { get; } = new(Partnership, "Saint-Étienne – Monastir", PartnershipForm.DecentralisedCooperation,
        [new FrenchAuthority("214202186", "Saint-Étienne", AuthorityKind.Commune)],
        [new ForeignPartner("Monastir", "TN", "Commune")],
        new ThemePath(["Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières"]));

    public static ConventionSigned Signed2012 { get; } = new(Convention2012, new(2012, 5, 4), new(2012, 5, 4), new(2015, 12, 31), "Convention de coopération");

    public static ConventionRenewed Renewed2016 { get; } = new(Convention2012, new(2015, 12, 10), new(2016, 1, 1), new(2018, 12, 31));

    /// <summary>The 2016 plan: 4 challenges, 9 actions.</summary>
    public static ActionPlanAdopted Plan2016 { get; } = new(new(2016, 1, 1), new(2018, 12, 31),
    [
        Challenge(1, "Favoriser l'entrepreneuriat", "Incubateur international d'entreprises", "Concours de l'entrepreneuriat"),
        Challenge(2, "Améliorer et développer l'insertion professionnelle", "Identifier des niches d'emploi inexploitées", "Relier les sites d'emploi et de stage"),
        Challenge(3, "Partager des pratiques de formation", "Échanges de formateurs", "Mobilité des apprenants", "Échanges entre services municipaux"),
        Challenge(4, "Coordonner et valoriser les projets réalisés", "Événement annuel de valorisation", "Coordination opérationnelle"),
    ]);

    public static Guid ChallengeId(int n) => Guid.Parse($"5a1e7e7e-0000-4000-8000-0000000010{n:00}");

    public static Guid ActionId(int challenge, int n) => Guid.Parse($"5a1e7e7e-0000-4000-8000-00000000{challenge:00}{n:00}");

    public static object[] Monastir2016() => [Registered, Signed2012, Renewed2016, Plan2016];

    private static PlannedChallenge Challenge(int n, string title, params string[] actions) =>
        new(ChallengeId(n), title, [.. actions.Select((a, i) => new PlannedAction(ActionId(n, i + 1), a))]);
}
