using System.Runtime.InteropServices;
using Npgsql;

namespace CoopLedger.Bench;

/// <summary>What the figures were measured on: they mean nothing without it.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0);
        return $"Machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, "
            + $"{memory:F0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    public static async Task<string> PostgresSettingsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT split_part(version(), ' on ', 1) || ', fsync=' || current_setting('fsync')
                || ', synchronous_commit=' || current_setting('synchronous_commit')
                || ', shared_buffers=' || current_setting('shared_buffers')
            """);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
