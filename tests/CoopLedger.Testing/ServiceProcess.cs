using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoopLedger.Testing;

/// <summary>
/// The built service (<c>CoopLedger.Api.dll</c> beside the tests) in a process of its own, as an operator runs it:
/// its output kept, ready when <c>/health/ready</c> answers, and stopped the way machines stop (SIGTERM, SIGKILL).
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    /// <summary>Where the ports the services draw from start (below, the well-known and commonly configured ones).</summary>
    private const int LowestPort = 10_000;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Its process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What it has written so far (console logs, JSON in Production).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the service with these settings (environment variables, <c>Section__Key</c>) and waits until it is ready.</summary>
    /// <param name="environment">Settings; a null value removes an inherited variable.</param>
    /// <param name="port">The port to listen on; 0 for a free one (a restart passes the previous one).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, int port = 0, CancellationToken cancellationToken = default)
    {
        var service = Launch(environment, port);
        try
        {
            await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), cancellationToken);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Starts the service with these settings without waiting for it (see <see cref="WaitUntilReadyAsync"/>).</summary>
    /// <param name="environment">Settings; a null value removes an inherited variable.</param>
    /// <param name="port">The port to listen on; 0 for a free one (a restart passes the previous one).</param>
    public static ServiceProcess Launch(IReadOnlyDictionary<string, string?> environment, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(environment);
        port = port == 0 ? FreePort() : port;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "CoopLedger.Api.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new ServiceProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until the service has written <paramref name="text"/>; fails with its output otherwise.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan atMost, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + atMost;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || HasExited)
            {
                throw new InvalidOperationException($"The service did not write \"{text}\" within {atMost.TotalSeconds} s (exited: {HasExited}):{Environment.NewLine}{Output}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Whether <c>/health/ready</c> answers 200 now (a service not listening yet, or too busy to answer, is not ready).</summary>
    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200; fails with the service's output otherwise.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan atMost, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + atMost;
        while (DateTime.UtcNow < deadline && !HasExited)
        {
            if (await IsReadyAsync(cancellationToken))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new InvalidOperationException($"The service was not ready within {atMost.TotalSeconds} s (exited: {HasExited}):{Environment.NewLine}{Output}");
    }

    /// <summary>SIGKILL: the process dies at once, mid-request, mid-transaction.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the exit (at most <paramref name="atMost"/>) and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan atMost, CancellationToken cancellationToken = default)
    {
        using (var terminate = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await terminate.WaitForExitAsync(cancellationToken);
        }

        using var exit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        exit.CancelAfter(atMost);
        await _process.WaitForExitAsync(exit.Token);
        return _process.ExitCode;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>
    /// A port no one listens on, below the kernel's range for the local ports of outgoing connections: a port from
    /// that range (what port 0 gives) may be taken by any client's socket before the service binds it, or between a
    /// kill and the restart on the same port. The OpenAPI lint once failed a CI run that way.
    /// </summary>
    private static int FreePort()
    {
        var below = OutgoingPortsStart();
        for (var attempt = 0; attempt < 50 && below > LowestPort; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Someone listens there: draw again.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    /// <summary>The first port of the kernel's range for outgoing connections (Linux's default when it cannot be read).</summary>
    private static int OutgoingPortsStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) && int.TryParse(File.ReadAllText(Range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var start)
            ? start
            : 32_768;
    }
}
