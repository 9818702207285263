using CoopLedger.Api.Partnerships.Audit;
using CoopLedger.Api.Demo;
using CoopLedger.Api.Documentation;
using CoopLedger.Api.Errors;
using CoopLedger.Api.Health;
using CoopLedger.Api.Hosting;
using CoopLedger.Api.Partnerships;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Reports;
using CoopLedger.Api.Security;
using CoopLedger.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);
if (args is [TokenVerb.Verb, ..])
{
    return TokenVerb.Run(builder.Configuration, args, Console.Out, Console.Error);
}

builder.AddCoopLedgerDatabase();
builder.AddCoopLedgerTelemetry();
builder.AddCoopLedgerSecurity();
builder.Services.AddCoopLedgerProblemDetails();
builder.Services.AddCoopLedgerHealthChecks();
builder.Services.AddCoopLedgerOpenApi();
builder.Services.AddPartnerships();
builder.Services.AddProjections();
builder.Services.AddReports();

var app = builder.Build();
app.UseCoopLedgerSecurityHeaders();
app.UseCoopLedgerProblemDetails();
app.MapCoopLedgerOpenApi();
app.UseCoopLedgerSecurity();
app.MapCoopLedgerHealth();
app.MapPartnerships();
app.MapLedgerIntegrity();
app.MapProjections();
app.MapFundingPerYear();
app.MapActivePartnerships();
app.MapPartnershipList();
app.MapActionsPerChallenge();
if (args is [SeedDemo.Verb, ..])
{
    await SeedDemo.RunAsync(app);
    return 0;
}

await app.RunAsync();
return 0;

/// <summary>The service's entry point; public so that integration tests can host it.</summary>
public partial class Program;
