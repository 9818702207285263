using CoopLedger.Testing;
using CoopLedger.EventStore.Hosting;
using Npgsql;

namespace CoopLedger.EventStore.Tests.Hosting;

public sealed class EmbeddedPostgresTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_throwaway_cluster_serves_queries_and_leaves_neither_server_nor_folder_when_stopped()
    {
        var cluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Throwaway = true, Durable = false }, Cancel);
        var serverPid = cluster.ServerProcessId;
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal("coopledger", await command.ExecuteScalarAsync(Cancel));
        }

        Assert.NotNull(serverPid);
        await cluster.DisposeAsync();

        Assert.False(Processes.IsAlive(serverPid.Value));
        Assert.False(Directory.Exists(cluster.RootDirectory));
    }

    [Fact]
    public async Task A_persistent_cluster_keeps_its_data_and_password_between_runs()
    {
        var root = Path.Combine(Path.GetTempPath(), $"coopledger-persistent-{Guid.NewGuid():N}");
        var options = new EmbeddedPostgresOptions { DataDirectory = root, Durable = false };
        try
        {
            await using (var first = await EmbeddedPostgres.StartAsync(options, Cancel))
            {
                await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
            }

            await using var second = await EmbeddedPostgres.StartAsync(options, Cancel);
            await using var connection = new NpgsqlConnection(second.ConnectionString);
            await connection.OpenAsync(Cancel);
            await using var command = new NpgsqlCommand("SELECT note FROM kept", connection);
            Assert.Equal("still here", await command.ExecuteScalarAsync(Cancel));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_left_running_by_a_killed_process_is_stopped_and_the_cluster_restarts()
    {
        var root = Path.Combine(Path.GetTempPath(), $"coopledger-leftover-{Guid.NewGuid():N}");
        var options = new EmbeddedPostgresOptions { DataDirectory = root, Durable = false };
        try
        {
            // Start a server the way a crashed run would have left it: running, with nobody to stop it.
            var crashed = await EmbeddedPostgres.StartAsync(options, Cancel);
            var leftoverPid = crashed.ServerProcessId;

            await using var restarted = await EmbeddedPostgres.StartAsync(options, Cancel);

            Assert.NotNull(leftoverPid);
            Assert.False(Processes.IsAlive(leftoverPid.Value));
            await ExecuteAsync(restarted.ConnectionString, "SELECT 1");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_data_folder_created_private_beforehand_is_used()
    {
        var root = Path.Combine(Path.GetTempPath(), $"coopledger-private-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            await using var cluster = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { DataDirectory = root, Durable = false }, Cancel);
            await ExecuteAsync(cluster.ConnectionString, "SELECT 1");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Missing_server_programs_are_reported_with_how_to_install_them()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-postgres-here-{Guid.NewGuid():N}");

        var error = Assert.Throws<PostgresBinariesNotFoundException>(() => PostgresBinaries.Locate(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__CoopLedger", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_with_a_wrong_binary_folder_fails_before_creating_anything()
    {
        var root = Path.Combine(Path.GetTempPath(), $"coopledger-nobin-{Guid.NewGuid():N}");
        var options = new EmbeddedPostgresOptions { DataDirectory = root, BinDirectory = "/nonexistent/bin" };

        await Assert.ThrowsAsync<PostgresBinariesNotFoundException>(() => EmbeddedPostgres.StartAsync(options, Cancel));

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void The_system_server_programs_are_found_without_configuration()
    {
        var binaries = PostgresBinaries.Locate(configuredDirectory: null);

        Assert.True(File.Exists(binaries.Program("postgres")));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
