using System.Globalization;

namespace CoopLedger.EventStore.Hosting;

/// <summary>Where the PostgreSQL server programs live on this machine.</summary>
public sealed record PostgresBinaries(string Directory)
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    /// <summary>The path of one program of the folder.</summary>
    public string Program(string name) => Path.Combine(Directory, name);

    /// <summary>
    /// Finds the programs: the configured folder when there is one (and nowhere else, so a wrong setting is
    /// reported rather than silently ignored), otherwise the usual install locations, newest version first.
    /// </summary>
    public static PostgresBinaries Locate(string? configuredDirectory)
    {
        var candidates = configuredDirectory is null ? Candidates().ToList() : [configuredDirectory];
        foreach (var directory in candidates)
        {
            if (Required.All(program => File.Exists(Path.Combine(directory, program))))
            {
                return new PostgresBinaries(directory);
            }
        }

        throw new PostgresBinariesNotFoundException(candidates);
    }

    private static IEnumerable<string> Candidates()
    {
        // Debian and Ubuntu keep server programs off PATH, one folder per major version.
        foreach (var root in new[] { "/usr/lib/postgresql", "/usr/local/lib/postgresql" })
        {
            foreach (var version in VersionFolders(root))
            {
                yield return Path.Combine(version, "bin");
            }
        }

        foreach (var pattern in new[] { "/usr/pgsql-*", "/opt/homebrew/opt/postgresql@*", "/usr/local/opt/postgresql@*" })
        {
            var parent = Path.GetDirectoryName(pattern)!;
            foreach (var version in VersionFolders(parent, Path.GetFileName(pattern)))
            {
                yield return Path.Combine(version, "bin");
            }
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (directory.Length > 0)
            {
                yield return directory;
            }
        }
    }

    private static IEnumerable<string> VersionFolders(string parent, string pattern = "*") =>
        System.IO.Directory.Exists(parent)
            ? System.IO.Directory.GetDirectories(parent, pattern).OrderByDescending(MajorVersion)
            : [];

    private static int MajorVersion(string folder)
    {
        var digits = new string(Path.GetFileName(folder).Where(char.IsAsciiDigit).Take(4).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
    }
}
