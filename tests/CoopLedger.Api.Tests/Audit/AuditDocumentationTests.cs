using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CoopLedger.EventStore.Integrity;

namespace CoopLedger.Api.Tests.Audit;

/// <summary>docs/AUDIT.md's worked example is what the code computes: auditors follow the document, not the code.</summary>
public sealed class AuditDocumentationTests
{
    [Fact]
    public void The_worked_example_encodes_and_hashes_as_the_ledger_does()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "AUDIT.md"));
        var example = JsonDocument.Parse(Block(document, "example-event", "json")).RootElement;
        var encoding = Block(document, "example-encoding", "text");
        string? Text(string name) => example.GetProperty(name).ValueKind == JsonValueKind.Null ? null : example.GetProperty(name).GetString();

        var encoded = EventHash.Encode(Convert.FromHexString(Text("previousHash")!), Guid.Parse(Text("streamId")!), example.GetProperty("version").GetInt64(),
            Text("type")!, example.GetProperty("schemaVersion").GetInt32(), Text("data")!,
            DateTimeOffset.Parse(Text("effectiveAt")!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(Text("recordedAt")!, System.Globalization.CultureInfo.InvariantCulture), Text("actor")!, Text("reason"));

        Assert.Equal(encoding, encoded);
        Assert.Equal(Text("hash"), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(encoded))));
        Assert.Contains($"`{Text("hash")}`", document, StringComparison.Ordinal);
    }

    private static string Block(string document, string marker, string language)
    {
        var match = Regex.Match(document, $"<!-- {marker} -->\\n```{language}\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/AUDIT.md has no {marker} block");
        return match.Groups[1].Value;
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CoopLedger.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new DirectoryNotFoundException("the repository root (CoopLedger.sln)");
    }
}
