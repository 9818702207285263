using System.Globalization;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Api.Security;

/// <summary>
/// <c>dotnet run --project src/CoopLedger.Api -- token --role officer --siren 214202186 [--name ...] [--subject ...]
/// [--hours 8]</c>: prints a token signed with the locally configured key, for local use and scripts. Roles and SIRENs
/// may be repeated. Starts nothing.
/// </summary>
public static class TokenVerb
{
    /// <summary>The command-line word that selects this mode.</summary>
    public const string Verb = "token";

    private const int MaxHours = 24 * 31;

    /// <summary>Prints the token (exit code 0) or what is wrong with the arguments (exit code 2).</summary>
    public static int Run(IConfiguration configuration, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (Parse(args) is not { } request)
        {
            error.WriteLine("usage: token --role officer|auditor|dashboard|admin [--role ...] [--siren 214202186 ...] [--name NAME] [--subject ID] [--hours 1-744]");
            error.WriteLine("An officer needs at least one valid SIREN.");
            return 2;
        }

        try
        {
            output.WriteLine(new TokenIssuer(TokenSettings.From(configuration), TimeProvider.System).Issue(request));
            return 0;
        }
        catch (InvalidOperationException unusable)
        {
            // No key to sign with (an OpenID Connect authority issues the tokens, or a deployment lacks its key).
            error.WriteLine(unusable.Message);
            return 2;
        }
    }

    /// <summary>The token request the arguments describe, or null when they are invalid.</summary>
    public static TokenRequest? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            (values.TryGetValue(args[i], out var list) ? list : values[args[i]] = []).Add(args[i + 1]);
        }

        var roles = values.GetValueOrDefault("--role") ?? [];
        var sirens = values.GetValueOrDefault("--siren") ?? [];
        var hours = values.GetValueOrDefault("--hours") is [var h] && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        var valid = values.Keys.All(k => k is "--role" or "--siren" or "--name" or "--subject" or "--hours")
            && roles.Count > 0 && roles.All(Roles.All.Contains)
            && sirens.All(Siren.IsValid)
            && (!roles.Contains(Roles.Officer) || sirens.Count > 0)
            && (!values.ContainsKey("--hours") || hours is >= 1 and <= MaxHours)
            && values.GetValueOrDefault("--name") is null or [_]
            && values.GetValueOrDefault("--subject") is null or [_];
        if (!valid)
        {
            return null;
        }

        var name = values.GetValueOrDefault("--name")?[0];
        var subject = values.GetValueOrDefault("--subject")?[0] ?? $"local:{roles[0]}:{(sirens.Count > 0 ? sirens[0] : Environment.UserName)}";
        return new TokenRequest(subject, roles, sirens, TimeSpan.FromHours(hours ?? 8), name);
    }
}
