using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace CoopLedger.EventStore.Hosting;

/// <summary>
/// A PostgreSQL cluster this process starts from the system's server programs, listening on loopback only,
/// and stops when disposed. Used by the service when no connection string is configured, and by test fixtures.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string Superuser = "coopledger";
    private readonly EmbeddedPostgresOptions _options;
    private readonly PostgresBinaries _binaries;
    private readonly ClusterAccount _account;
    private readonly string _password;
    private Process? _watchdog;
    private int _stopped;

    private EmbeddedPostgres(
        EmbeddedPostgresOptions options, PostgresBinaries binaries, ClusterAccount account, string root, string password, int port)
    {
        _options = options;
        _binaries = binaries;
        _account = account;
        _password = password;
        RootDirectory = root;
        Port = port;
    }

    /// <summary>The folder holding the cluster and its password.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "pgdata");

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The process id of the running postmaster (from its pid file), or null when it is not running.</summary>
    public int? ServerProcessId => ReadPostmasterPid(DataDirectory);

    /// <summary>A connection string to the service's database.</summary>
    public string ConnectionString => ConnectionStringFor(_options.DatabaseName);

    /// <summary>A connection string to another database of the cluster.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = Superuser,
        Password = _password,
        Database = database,
    }.ConnectionString;

    /// <summary>The default folder for a persistent cluster of this user.</summary>
    public static string DefaultDataDirectory() =>
        Environment.UserName == "root"
            // root's home is closed to the unprivileged account that runs the server.
            ? "/var/lib/coopledger"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "coopledger");

    /// <summary>Creates the cluster when missing, starts it and makes sure the service's database exists.</summary>
    public static async Task<EmbeddedPostgres> StartAsync(EmbeddedPostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binaries = PostgresBinaries.Locate(options.BinDirectory);
        var account = await ClusterAccount.ResolveAsync(options.RunAsUser, cancellationToken).ConfigureAwait(false);
        var root = Path.GetFullPath(options.Throwaway
            ? Path.Combine(Path.GetTempPath(), $"coopledger-pg-{Guid.NewGuid():N}")
            : options.DataDirectory ?? DefaultDataDirectory());
        Directory.CreateDirectory(root);

        var password = await EnsureClusterAsync(binaries, account, root, cancellationToken).ConfigureAwait(false);
        var port = options.Port != 0 ? options.Port : FreeLoopbackPort();
        var cluster = new EmbeddedPostgres(options, binaries, account, root, password, port);
        try
        {
            await cluster.StopLeftoverServerAsync().ConfigureAwait(false);
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            cluster.StartWatchdog();
            await cluster.CreateDatabaseAsync(options.DatabaseName, cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates a database in the cluster when it does not exist yet.</summary>
    public async Task CreateDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = database } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the server (fast shutdown: open connections are cut), waits <paramref name="pause"/>, and starts it again
    /// on the same port: what a database restart looks like to the service.
    /// </summary>
    public async Task RestartAsync(TimeSpan pause, CancellationToken cancellationToken = default)
    {
        await PauseAsync().ConfigureAwait(false);
        await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        await ResumeAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (fast shutdown), keeping the cluster for <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync()
    {
        // This process's pooled sessions die with the server: don't hand them out again.
        NpgsqlConnection.ClearAllPools();
        return StopServerAsync();
    }

    /// <summary>Starts a paused server again on the same port.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) => StartServerAsync(cancellationToken);

    /// <summary>Stops the server (fast shutdown) and, for a throwaway cluster, deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await StopServerAsync().ConfigureAwait(false);
        if (_watchdog is { HasExited: false })
        {
            _watchdog.Kill();
        }

        _watchdog?.Dispose();
        if (_options.Throwaway)
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private static async Task<string> EnsureClusterAsync(
        PostgresBinaries binaries, ClusterAccount account, string root, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(root, "password");
        var dataDirectory = Path.Combine(root, "pgdata");
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")) && File.Exists(passwordFile))
        {
            return (await File.ReadAllTextAsync(passwordFile, cancellationToken).ConfigureAwait(false)).Trim();
        }

        // A folder made by someone else (mktemp -d gives mode 700) must be open to the account that runs the server.
        await account.TakeOwnershipAsync(root, cancellationToken).ConfigureAwait(false);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await WritePrivateFileAsync(passwordFile, password, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(dataDirectory);
        var initdbPasswordFile = Path.Combine(root, $"initdb-{Guid.NewGuid():N}.pw");
        await WritePrivateFileAsync(initdbPasswordFile, password, cancellationToken).ConfigureAwait(false);
        try
        {
            await account.TakeOwnershipAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            await account.TakeOwnershipAsync(initdbPasswordFile, cancellationToken).ConfigureAwait(false);
            await account.RunAsync(binaries.Program("initdb"),
            [
                "-D", dataDirectory, "-U", Superuser, $"--pwfile={initdbPasswordFile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-instructions",
            ], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(initdbPasswordFile);
        }

        return password;
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // No Unix socket: the server is reached on loopback TCP only, and needs no writable socket folder.
        var settings = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        if (!_options.Durable)
        {
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        await _account.RunAsync(_binaries.Program("pg_ctl"),
        [
            "start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(DataDirectory, "server.log"), "-o", settings,
        ], cancellationToken).ConfigureAwait(false);
    }

    private async Task StopServerAsync()
    {
        if (ServerProcessId is null)
        {
            return;
        }

        try
        {
            await _account.RunAsync(_binaries.Program("pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (ExternalProgramFailedException) when (ServerProcessId is null)
        {
            // It stopped on its own meanwhile (e.g. the watchdog, or a signal from the terminal).
        }
    }

    /// <summary>A server left running by a process that was killed is stopped before this one starts.</summary>
    private Task StopLeftoverServerAsync() =>
        ServerProcessId is int pid && ProcessExists(pid) ? StopServerAsync() : Task.CompletedTask;

    /// <summary>
    /// A detached shell that stops the server (and deletes a throwaway cluster) if this process dies without
    /// disposing it, e.g. when killed with SIGKILL: no postgres of ours outlives us.
    /// </summary>
    private void StartWatchdog()
    {
        var pgCtl = _account.User is null ? _binaries.Program("pg_ctl") : $"runuser -u {_account.User} -- {_binaries.Program("pg_ctl")}";
        var cleanup = _options.Throwaway ? $"; rm -rf '{RootDirectory}'" : "";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; "
            + $"{pgCtl} stop -D '{DataDirectory}' -m fast -w{cleanup}";
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in new[] { "sh", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }

        _watchdog = Process.Start(start);
    }

    private static int? ReadPostmasterPid(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ProcessExists(pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
