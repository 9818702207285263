using System.Text.Json.Nodes;

namespace CoopLedger.Api.Tests.Security.Fuzzing;

/// <summary>A command route with a body that would be accepted, and what in it is required.</summary>
/// <param name="Pattern">The route as the service maps it.</param>
/// <param name="Body">A valid body (a fresh copy each time).</param>
/// <param name="Required">The top-level fields the command cannot do without.</param>
/// <param name="OptionalBody">Whether the route accepts no body at all (then an absent or ignored body is a valid command).</param>
internal sealed record CommandTemplate(string Pattern, Func<JsonObject> Body, string[] Required, bool OptionalBody = false)
{
    public override string ToString() => Pattern;

    /// <summary>Every command route of contract v1 and its extensions.</summary>
    public static IReadOnlyList<CommandTemplate> All { get; } =
    [
        new("/api/partnerships", () => new JsonObject
        {
            ["title"] = "Saint-Étienne – Monastir",
            ["form"] = "DecentralisedCooperation",
            ["frenchAuthorities"] = new JsonArray(new JsonObject { ["siren"] = "214202186", ["name"] = "Saint-Étienne", ["kind"] = "Commune" }),
            ["foreignPartners"] = new JsonArray(new JsonObject { ["name"] = "Monastir", ["country"] = "TN" }),
            ["primaryTheme"] = new JsonArray("Economie durable", "Attractivité des territoires"),
        }, ["title", "form", "frenchAuthorities", "foreignPartners"]),
        new("/api/partnerships/{id:guid}/themes", () => new JsonObject { ["theme"] = new JsonArray("Culture"), ["priority"] = 1 }, ["theme", "priority"]),
        new("/api/partnerships/{id:guid}/conventions", () => new JsonObject
        {
            ["signedOn"] = "2020-01-10", ["validFrom"] = "2020-01-10", ["validTo"] = "2023-12-31", ["title"] = "Convention", ["reason"] = "Saisie",
        }, ["signedOn", "validFrom"]),
        new("/api/partnerships/{id:guid}/conventions/{conventionId:guid}/renewals", () => new JsonObject
        {
            ["signedOn"] = "2024-01-10", ["validFrom"] = "2024-01-10", ["validTo"] = "2026-12-31",
        }, ["signedOn", "validFrom", "validTo"]),
        new("/api/partnerships/{id:guid}/conventions/{conventionId:guid}/amendments", () => new JsonObject
        {
            ["signedOn"] = "2021-06-01", ["summary"] = "Avenant", ["validTo"] = "2024-06-30",
        }, ["signedOn", "summary"]),
        new("/api/partnerships/{id:guid}/action-plans", () => new JsonObject
        {
            ["from"] = "2020-01-01", ["to"] = "2022-12-31",
            ["challenges"] = new JsonArray(new JsonObject { ["title"] = "Eau", ["actions"] = new JsonArray(new JsonObject { ["title"] = "Forage" }) }),
        }, ["from", "to", "challenges"]),
        new("/api/partnerships/{id:guid}/challenges", () => new JsonObject { ["title"] = "Jeunesse" }, ["title"]),
        new("/api/partnerships/{id:guid}/actions", () => new JsonObject { ["challengeId"] = Guid.NewGuid().ToString(), ["title"] = "Échanges" }, ["challengeId", "title"]),
        new("/api/partnerships/{id:guid}/actions/{actionId:guid}/start", () => [], [], OptionalBody: true),
        new("/api/partnerships/{id:guid}/actions/{actionId:guid}/completion", () => [], [], OptionalBody: true),
        new("/api/partnerships/{id:guid}/actions/{actionId:guid}/postponement", () => new JsonObject { ["toYear"] = 2025, ["reason"] = "Crise" }, ["toYear"]),
        new("/api/partnerships/{id:guid}/actions/{actionId:guid}/abandonment", () => new JsonObject { ["reason"] = "Abandon" }, ["reason"]),
        new("/api/partnerships/{id:guid}/annual-programmes", () => new JsonObject { ["year"] = 2021, ["actionIds"] = new JsonArray(Guid.NewGuid().ToString()) }, ["year", "actionIds"]),
        new("/api/partnerships/{id:guid}/partners", () => new JsonObject { ["name"] = "Lycée", ["kind"] = "AssociatedActor", ["country"] = "FR" }, ["name", "kind"]),
        new("/api/partnerships/{id:guid}/partners/{partnerId:guid}/departure", () => [], [], OptionalBody: true),
        new("/api/partnerships/{id:guid}/funding", () => new JsonObject
        {
            ["funder"] = new JsonObject { ["name"] = "Ville", ["kind"] = "FrenchAuthority" },
            ["amount"] = "5000.00", ["year"] = 2021, ["mechanism"] = "GeneralBudget", ["onePercentWaterAmount"] = "100.00", ["inKind"] = false,
        }, ["funder", "amount", "year", "mechanism"]),
        new("/api/partnerships/{id:guid}/funding/{fundingId:guid}/revisions", () => new JsonObject { ["amount"] = "4000.00", ["reason"] = "Révision" }, ["amount", "reason"]),
        new("/api/partnerships/{id:guid}/funding/{fundingId:guid}/withdrawal", () => new JsonObject { ["reason"] = "Retrait" }, ["reason"]),
        new("/api/partnerships/{id:guid}/suspension", () => [], [], OptionalBody: true),
        new("/api/partnerships/{id:guid}/resumption", () => [], [], OptionalBody: true),
        new("/api/partnerships/{id:guid}/termination", () => new JsonObject { ["endDate"] = "2030-12-31", ["reason"] = "Fin" }, ["endDate"]),
        new("/api/partnerships/{id:guid}/corrections", () => new JsonObject
        {
            ["correctsEventId"] = Guid.NewGuid().ToString(), ["changes"] = new JsonObject { ["title"] = "Titre corrigé" }, ["reason"] = "Coquille",
        }, ["correctsEventId", "changes", "reason"]),
    ];
}
