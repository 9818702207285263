namespace CoopLedger.EventStore.Hosting;

/// <summary>
/// The OS account that owns and runs the cluster. PostgreSQL refuses to run as root, so a root process hands
/// the cluster to an unprivileged user and runs the server programs through <c>runuser</c>.
/// </summary>
internal sealed class ClusterAccount
{
    private ClusterAccount(string? user) => User = user;

    /// <summary>The unprivileged user, or null when this process is not root and runs the cluster itself.</summary>
    public string? User { get; }

    public static async Task<ClusterAccount> ResolveAsync(string? configuredUser, CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root")
        {
            return new ClusterAccount(null);
        }

        var user = configuredUser
            ?? (await ExistsAsync("postgres", cancellationToken).ConfigureAwait(false) ? "postgres" : "nobody");
        return new ClusterAccount(user);
    }

    public Task<string> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        User is null
            ? ProcessRunner.RunAsync(program, arguments, cancellationToken)
            : ProcessRunner.RunAsync("runuser", ["-u", User, "--", program, .. arguments], cancellationToken);

    /// <summary>Makes the account the owner of a folder it must write to.</summary>
    public async Task TakeOwnershipAsync(string path, CancellationToken cancellationToken)
    {
        if (User is not null)
        {
            await ProcessRunner.RunAsync("chown", ["-R", User, path], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ExistsAsync(string user, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessRunner.RunAsync("id", ["-u", user], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ExternalProgramFailedException)
        {
            return false;
        }
    }
}
