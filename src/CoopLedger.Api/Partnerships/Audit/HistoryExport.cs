using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CoopLedger.Domain.Partnerships;
using CoopLedger.EventStore.Integrity;
using Microsoft.Extensions.Primitives;

namespace CoopLedger.Api.Partnerships.Audit;

/// <summary>
/// A stream's history exported for auditors, as JSON Lines or CSV: every event exactly as stored and hashed (the data
/// as the canonical text that was hashed, instants to the microsecond), so that the chain can be verified offline.
/// </summary>
public static class HistoryExport
{
    /// <summary>The paged JSON answer.</summary>
    public const string Json = "json";

    /// <summary>One JSON object per line.</summary>
    public const string JsonLines = "jsonl";

    /// <summary>RFC 4180 CSV with a header line.</summary>
    public const string Csv = "csv";

    /// <summary>The JSON Lines media type.</summary>
    public const string JsonLinesType = "application/x-ndjson";

    /// <summary>The CSV media type.</summary>
    public const string CsvType = "text/csv";

    private static readonly string[] Columns =
    [
        "streamId", "version", "eventId", "position", "type", "schemaVersion", "data", "effectiveAt", "recordedAt", "actor", "reason",
        "correlationId", "causationId", "previousHash", "hash",
    ];

    /// <summary>The format asked for by <c>format=</c>, else by the Accept header; null when <c>format</c> names none.</summary>
    public static string? Negotiate(string? format, StringValues accept) => format switch
    {
        null when accept.Any(a => a is not null && (a.Contains(JsonLinesType, StringComparison.OrdinalIgnoreCase) || a.Contains("application/jsonl", StringComparison.OrdinalIgnoreCase))) => JsonLines,
        null when accept.Any(a => a is not null && a.Contains(CsvType, StringComparison.OrdinalIgnoreCase)) => Csv,
        null or Json => Json,
        JsonLines or Csv => format,
        _ => null,
    };

    /// <summary>Streams the export of a partnership's events recorded within [from, to]; 404 when the partnership is unknown.</summary>
    public static async Task<IResult> WriteAsync(HttpContext http, StoredEvents stored, Guid id, string format, DateTimeOffset? from, DateTimeOffset? to)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(stored);
        if (await stored.StreamVersionAsync(id, http.RequestAborted) is null or 0)
        {
            throw new EntityNotFoundException("partnership", id);
        }

        var csv = format == Csv;
        return Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false));
            if (csv)
            {
                await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
            }

            await foreach (var e in stored.ReadAsync(id, from, to, http.RequestAborted))
            {
                await writer.WriteAsync(csv ? CsvLine(Fields(e)) : JsonLine(Fields(e)));
            }
        }, csv ? $"{CsvType}; charset=utf-8" : JsonLinesType, $"partnership-{id}-history.{format}");
    }

    /// <summary>The exported fields, in <see cref="Columns"/> order; numbers stay numbers in JSON.</summary>
    private static object?[] Fields(StoredEvent e) =>
    [
        e.StreamId.ToString(), e.Version, e.EventId.ToString(), e.Position, e.Type, e.SchemaVersion, e.Data,
        EventHash.Instant(e.EffectiveAt), EventHash.Instant(e.RecordedAt), e.Actor, e.Reason, e.CorrelationId, e.CausationId,
        e.PreviousHash is null ? null : Convert.ToHexStringLower(e.PreviousHash), Convert.ToHexStringLower(e.Hash),
    ];

    private static string JsonLine(object?[] fields)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps accents and quotes readable in the file; it is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            for (var i = 0; i < Columns.Length; i++)
            {
                switch (fields[i])
                {
                    case null: json.WriteNull(Columns[i]); break;
                    case long number: json.WriteNumber(Columns[i], number); break;
                    case int number: json.WriteNumber(Columns[i], number); break;
                    default: json.WriteString(Columns[i], (string)fields[i]!); break;
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string CsvLine(object?[] fields) =>
        string.Join(',', fields.Select(f => f switch
        {
            null => "",
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            string text when text.AsSpan().IndexOfAny("\",\r\n") >= 0 => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
            _ => (string)f,
        })) + "\r\n";
}
