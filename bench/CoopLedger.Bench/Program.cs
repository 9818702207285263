using CoopLedger.Bench;
using CoopLedger.Bench.Http;
using CoopLedger.Bench.Projections;
using CoopLedger.Projections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Hosting;
using CoopLedger.EventStore.Schema;
using Npgsql;

// Usage: dotnet run -c Release --project bench/CoopLedger.Bench -- [append|projections|state-queries|http] [--seconds N] [--connection "..."]
//        http: the service under 1, 8, 32 and 128 closed-loop clients, commands then reads, --seconds per level (exit 1 on any non-2xx answer);
//              to study one level: --clients 32 (a comma list), --only commands|reads (then without the store baseline);
//              --service-warmup N: seconds of each mix at 32 clients before its levels, unmeasured (30 by default);
//              SERVICE_NAME=value in the environment is NAME=value for the service alone (e.g. a runtime setting to try)
//        append (the default): --clients 8 and --batch 1 (comma lists) to study some levels only; --runs N measures each
//              level N times, the sides taking turns going first, and prints the ratios' median and range;
//              --pairs N instead measures the store and raw alone in N pairs of one-second slices per level (a ratio per pair)
//        projections: [--events 1000000] [--partnerships 10000] (reuses the log when the database already holds it)
//        --data DIR: keep the embedded cluster in DIR between runs; --no-queries: rebuilds only
// Without --connection it starts a throwaway cluster with PostgreSQL's default durability (fsync on,
// synchronous commit on): the store and the raw inserts always run on the same database and settings.
var seconds = ArgValue("--seconds") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 5;
var configured = ArgValue("--connection");
// --data DIR keeps the cluster (and a generated log) between runs.
var data = ArgValue("--data");

await using var cluster = configured is null
    ? await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Throwaway = data is null, DataDirectory = data, DatabaseName = "bench" })
    : null;
var connectionString = new NpgsqlConnectionStringBuilder(configured ?? cluster!.ConnectionString) { MaxPoolSize = 64 }.ConnectionString;
await using var dataSource = LedgerDataSource.Create(connectionString);
await new SchemaMigrator(dataSource, LedgerMigrations.All).MigrateAsync(CancellationToken.None);

Console.WriteLine(Machine.Describe());
Console.WriteLine($"PostgreSQL: {await Machine.PostgresSettingsAsync(dataSource)}");
Console.WriteLine();
var valid = true;
var levels = IntList("--clients");
if (args.Contains("http"))
{
    var only = ArgValue("--only") is { } o ? new[] { o } : null;
    var serviceWarmUp = TimeSpan.FromSeconds(ArgValue("--service-warmup") is { } w ? int.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : 30);
    valid = await new HttpLoadBenchmark(dataSource, connectionString, TimeSpan.FromSeconds(seconds), serviceWarmUp, levels, only).RunAsync(Console.Out);
}
else if (args.Contains("state-queries"))
{
    await new SchemaMigrator(dataSource, ReadModelMigrations.All).MigrateAsync(CancellationToken.None);
    await new CoopLedger.Bench.TimeTravel.StateQueryLatency(dataSource, connectionString).RunAsync(Console.Out);
}
else if (args.Contains("projections"))
{
    await new SchemaMigrator(dataSource, ReadModelMigrations.All).MigrateAsync(CancellationToken.None);
    var events = ArgValue("--events") is { } e ? int.Parse(e, System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    var partnerships = ArgValue("--partnerships") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 10_000;
    await new ProjectionBenchmark(dataSource, connectionString, events, partnerships, queries: !args.Contains("--no-queries")).RunAsync(Console.Out);
}
else
{
    var runs = ArgValue("--runs") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 1;
    if (runs < 1)
    {
        Console.Error.WriteLine("--runs: at least 1.");
        return 2;
    }

    var pairs = ArgValue("--pairs") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 0;
    await new AppendBenchmark(dataSource, TimeSpan.FromSeconds(seconds), levels, IntList("--batch"), runs, pairs).RunAsync(Console.Out);
}

return valid ? 0 : 1;

int[]? IntList(string name) => ArgValue(name)?.Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
