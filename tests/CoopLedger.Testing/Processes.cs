namespace CoopLedger.Testing;

/// <summary>What the tests need to know about OS processes.</summary>
public static class Processes
{
    /// <summary>
    /// Whether a process is running. A server whose parent is gone may linger as a zombie until init reaps it
    /// (containers often have no reaping init): that is not alive.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && File.ReadAllText(stat).Split(") ")[1][0] != 'Z';
    }
}
