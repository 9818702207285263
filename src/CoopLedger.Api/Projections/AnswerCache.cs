using System.Collections.Concurrent;
using System.Globalization;
using CoopLedger.EventStore.Reading;
using Npgsql;

namespace CoopLedger.Api.Projections;

/// <summary>
/// Answers of queries over an async projection, kept for as long as the projection has not moved: dashboards ask the
/// same reports over and over, and between two batches of the projection every one of them gets the same bytes
/// without its query running again. A batch applied or a generation swapped in changes the projection's checkpoint
/// row, and with it the version an answer is kept under.
/// </summary>
/// <remarks>
/// An answer depends on its route, its query string and, through the defaults <c>asOf</c> = today and
/// <c>knownAt</c> = now, on the day: "now" itself does not matter, since rows stop being known only when a later
/// event, which moves the projection, says so. Answers are the same for every caller allowed to read reports.
/// </remarks>
public sealed class AnswerCache(TimeProvider clock, IConfiguration configuration, NpgsqlDataSource dataSource)
{
    /// <summary>The setting that turns keeping answers off (on by default), e.g. to time the queries themselves.</summary>
    public const string Setting = "Reports:KeepAnswers";

    /// <summary>Beyond this many bytes of answers, all are forgotten (the next requests fill it again).</summary>
    private const long MaxBytes = 64L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, (string Version, byte[] Body)> _answers = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Whether answers are kept.</summary>
    public bool Enabled { get; } = configuration.GetValue(Setting, true);

    /// <summary>What an answer to this request depends on besides the projection: route, query (not <c>minPosition</c>), day.</summary>
    public string KeyOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query.Where(p => p.Key != "minPosition").OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        return string.Create(CultureInfo.InvariantCulture, $"{request.Path}?{string.Join('&', query)}|{DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime):O}");
    }

    /// <summary>The projections' versions, looked up for concurrent requests in one query.</summary>
    private readonly SharedLookups<string, string> _versions = new(async (projections, cancellationToken) =>
    {
        await using var command = dataSource.CreateCommand(
            "SELECT name, position::text || '@' || updated_at::text FROM ledger.projection_checkpoints WHERE name = ANY ($1) AND status = 'running'");
        command.Parameters.Add(new() { Value = projections.ToArray() });
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await row.ReadAsync(cancellationToken))
        {
            versions[row.GetString(0)] = row.GetString(1);
        }

        return versions;
    });

    /// <summary>
    /// The projection's version as committed when asked: its checkpoint row as it stands (position and when it was last
    /// moved or swapped); null when it is not running.
    /// </summary>
    public Task<string?> VersionOfAsync(string projection, CancellationToken cancellationToken) => _versions.LookUpAsync(projection, cancellationToken);

    /// <summary>The answer kept for this request at this version of the projection, if any.</summary>
    public byte[]? Find(string key, string version) =>
        _answers.TryGetValue(key, out var kept) && kept.Version == version ? kept.Body : null;

    /// <summary>Keeps an answer.</summary>
    public void Keep(string key, string version, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Interlocked.Add(ref _bytes, body.Length) > MaxBytes)
        {
            _answers.Clear();
            Interlocked.Exchange(ref _bytes, body.Length);
        }

        _answers[key] = (version, body);
    }
}
