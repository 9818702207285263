using System.Collections.Frozen;
using System.Xml.Linq;

namespace CoopLedger.Domain.ReferenceData;

/// <summary>ISO 3166-1 alpha-2 country codes, from the IATI 2.03 Country code list embedded in this assembly.</summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, string> Names = Load();

    /// <summary>How many codes the list holds.</summary>
    public static int Count => Names.Count;

    /// <summary>Whether a code (upper case, e.g. <c>TN</c>) is in the list.</summary>
    public static bool IsKnown(string? code) => code is not null && Names.ContainsKey(code);

    /// <summary>The English name of a known code.</summary>
    public static string NameOf(string code) => Names[code];

    private static FrozenDictionary<string, string> Load()
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream("CoopLedger.ReferenceData.Country.xml")
            ?? throw new InvalidOperationException("The embedded country list is missing.");
        // Withdrawn codes (e.g. AN, Netherlands Antilles) stay in the list for old data but are not accepted anew.
        return XDocument.Load(stream).Descendants("codelist-item")
            .Where(item => (string?)item.Attribute("status") != "withdrawn")
            .ToFrozenDictionary(
            item => (string)item.Element("code")!,
            item => (string)item.Element("name")!.Element("narrative")!,
            StringComparer.Ordinal);
    }
}
