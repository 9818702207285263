using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CoopLedger.Api.Documentation;

/// <summary>Request examples from the Saint-Étienne – Monastir history (DOMAIN.md), so that Swagger UI can run them.</summary>
internal sealed class ExampleTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["RegisterPartnership"] = """
            { "title": "Saint-Étienne – Monastir", "form": "DecentralisedCooperation",
              "frenchAuthorities": [ { "siren": "214202186", "name": "Saint-Étienne", "kind": "Commune" } ],
              "foreignPartners": [ { "name": "Monastir", "country": "TN", "kind": "Commune" } ],
              "primaryTheme": [ "Economie durable", "Attractivité des territoires", "Pôles de compétitivité, clusters, filières" ],
              "effectiveAt": "2009-01-01", "reason": "First exchanges, entered from the Atlas" }
            """,
        ["SignConvention"] = """{ "signedOn": "2012-05-04", "validFrom": "2012-05-04", "validTo": "2015-12-31", "title": "Convention de coopération", "reason": "Entered from the Atlas" }""",
        ["AssignTheme"] = """{ "theme": [ "Education, formation", "Formation professionnelle" ], "priority": 1 }""",
        ["RenewConvention"] = """{ "signedOn": "2015-12-10", "validFrom": "2016-01-01", "validTo": "2018-12-31", "reason": "Renewal for three years" }""",
        ["AmendConvention"] = """{ "signedOn": "2017-06-01", "summary": "La Voix de l'Enfant joins the convention", "reason": "Avenant n°1" }""",
        ["AdoptActionPlan"] = """
            { "from": "2016-01-01", "to": "2018-12-31", "reason": "Three-year action plan",
              "challenges": [ { "title": "Favoriser l'entrepreneuriat", "actions": [ { "title": "Incubateur international d'entreprises" }, { "title": "Concours de l'entrepreneuriat" } ] } ] }
            """,
        ["AddChallenge"] = """{ "title": "Coordonner et valoriser les projets réalisés" }""",
        ["AddAction"] = """{ "challengeId": "0192f0c4-8b1e-7c3a-9d2e-1a2b3c4d5e6f", "title": "Coordination opérationnelle" }""",
        ["PostponeAction"] = """{ "toYear": 2017, "reason": "Moved to the 2017 programme", "effectiveAt": "2017-01-15" }""",
        ["AbandonAction"] = """{ "reason": "Linking the job and internship web sites was judged not relevant", "effectiveAt": "2017-01-15" }""",
        ["AdoptAnnualProgramme"] = """{ "year": 2017, "actionIds": [ "0192f0c4-8b1e-7c3a-9d2e-1a2b3c4d5e6f" ], "effectiveAt": "2017-01-31" }""",
        ["JoinPartner"] = """{ "name": "La Voix de l'Enfant", "kind": "AssociatedActor", "country": "FR", "effectiveAt": "2017-01-20" }""",
        ["CommitFunding"] = """
            { "funder": { "name": "MEAE", "kind": "State" }, "amount": "17100.00", "year": 2017, "mechanism": "MinistryCall",
              "inKind": false, "effectiveAt": "2017-02-01", "reason": "Call for projects 2017" }
            """,
        ["ReviseFunding"] = """{ "amount": "16500.00", "reason": "Final grant notified" }""",
        ["WithdrawFunding"] = """{ "reason": "Call for projects cancelled" }""",
        ["SuspendPartnership"] = """{ "reason": "Municipal elections" }""",
        ["ResumePartnership"] = """{ "reason": "New municipal team confirmed the partnership" }""",
        ["TerminatePartnership"] = """{ "endDate": "2018-12-31", "reason": "End of the three-year programme" }""",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is { } id && Examples.TryGetValue(id, out var example)
            && operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true)
        {
            media.Example = JsonNode.Parse(example);
        }

        return Task.CompletedTask;
    }
}
