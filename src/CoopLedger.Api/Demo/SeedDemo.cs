using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using CoopLedger.Api.Security;

namespace CoopLedger.Api.Demo;

/// <summary>
/// <c>dotnet run --project src/CoopLedger.Api -- seed-demo</c>: starts the service, enters the demo histories
/// through its own HTTP API (the real command path, with their real dates), prints where to look, and stops.
/// </summary>
public static partial class SeedDemo
{
    /// <summary>The command-line word that selects this mode.</summary>
    public const string Verb = "seed-demo";

    /// <summary>The SIRENs of the French authorities of the demo histories (Saint-Étienne, a demo region).</summary>
    public static IReadOnlyList<string> Authorities { get; } = ["214202186", "200053759"];

    /// <summary>Seeds and stops.</summary>
    public static async Task RunAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)) };
        // An officer of the authorities the demo histories register: the demo goes through the same checks as anyone.
        var token = app.Services.GetRequiredService<TokenIssuer>().Issue(
            new TokenRequest(Verb, [Roles.Officer], Authorities, TimeSpan.FromHours(1)));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var client = new DemoClient(http);
        var monastir = await MonastirHistory.EnterAsync(client, app.Lifetime.ApplicationStopping);
        var others = await OtherDemoHistories.EnterAsync(client, app.Lifetime.ApplicationStopping);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SeedDemo));
        foreach (var path in others.Prepend(monastir))
        {
            LogSeeded(logger, path);
        }

        await app.StopAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo partnership entered: {Path}")]
    private static partial void LogSeeded(ILogger logger, string path);
}
