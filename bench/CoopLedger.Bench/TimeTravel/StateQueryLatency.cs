using System.Globalization;
using CoopLedger.Api.Partnerships;
using CoopLedger.Bench.Projections;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using Npgsql;

namespace CoopLedger.Bench.TimeTravel;

/// <summary>
/// The latency of the bitemporal state queries (<c>/plan?asOf=</c>, <c>/{id}?asOf=&amp;knownAt=</c>), which fold the
/// stream on each request, for streams of 10 to 10,000 events: how it grows with the stream. The date asked for is
/// after every event, so each request folds the whole stream.
/// </summary>
internal sealed class StateQueryLatency(NpgsqlDataSource dataSource, string connectionString)
{
    private const int Requests = 200;
    private static readonly int[] Sizes = [10, 100, 1_000, 10_000];
    private readonly PostgresEventStore _store = new(dataSource, PartnershipLedger.CreateRegistry());

    public async Task RunAsync(TextWriter output)
    {
        var streams = new List<(int Size, Guid Id)>();
        foreach (var size in Sizes)
        {
            var id = Guid.NewGuid();
            // From 1950 (the first year the ledger takes): a thousand events at about ten a year end by 2060.
            var history = HistoryGenerator.History(id, 1_000_000 + size, size, firstYear: 1950);
            for (var from = 0; from < size; from += 10)
            {
                await _store.AppendAsync(id, PartnershipEventTypes.StreamType, from == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(from),
                    [.. history.Skip(from).Take(10)], new AppendMetadata("bench", "generated history"), CancellationToken.None);
            }

            streams.Add((size, id));
        }

        var knownAt = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        using var service = await ServiceProcess.StartAsync(connectionString);
        output.WriteLine($"State queries over HTTP (fold per request), {Requests} requests each, one at a time:");
        output.WriteLine("| events in stream | route | p50 ms | p99 ms | requests | answer bytes |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|");
        foreach (var (size, id) in streams)
        {
            foreach (var (label, route) in new[]
            {
                ("/plan?asOf=2100-12-31", $"/api/partnerships/{id}/plan?asOf=2100-12-31"),
                ("/{id}?asOf=2100-12-31&knownAt=(now)", $"/api/partnerships/{id}?asOf=2100-12-31&knownAt={knownAt}"),
            })
            {
                var (latency, bytes) = await service.TimeAsync(route, Requests, TimeSpan.FromSeconds(60));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:N0} | `{label}` | {latency.Percentile(0.5):F2} | {latency.Percentile(0.99):F2} | {latency.Count} | {bytes:N0} |"));
            }
        }
    }
}
