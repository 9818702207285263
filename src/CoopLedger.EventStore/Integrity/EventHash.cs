using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CoopLedger.EventStore.Integrity;

/// <summary>
/// The canonical encoding of an event and its SHA-256 hash, the same as <c>ledger.event_hash</c> computes in the
/// database when appending; recomputing it here checks the stored chain independently of that function.
/// </summary>
/// <remarks>
/// The encoding is the line <c>coopledger-event-v1</c>, then each field as its UTF-8 byte length, a colon, the
/// value and a newline (a null field is a lone <c>-</c> line), in this order: previous hash (lowercase hex),
/// stream id, version, type, schema version, data (PostgreSQL's canonical jsonb text), effective at and
/// recorded at (UTC, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>), actor, reason.
/// </remarks>
public static class EventHash
{
    /// <summary>Computes the hash of one event.</summary>
    public static byte[] Compute(
        byte[]? previousHash, Guid streamId, long version, string type, int schemaVersion, string canonicalData,
        DateTimeOffset effectiveAt, DateTimeOffset recordedAt, string actor, string? reason) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(Encode(
            previousHash, streamId, version, type, schemaVersion, canonicalData, effectiveAt, recordedAt, actor, reason)));

    /// <summary>The canonical text that is hashed.</summary>
    public static string Encode(
        byte[]? previousHash, Guid streamId, long version, string type, int schemaVersion, string canonicalData,
        DateTimeOffset effectiveAt, DateTimeOffset recordedAt, string actor, string? reason)
    {
        var text = new StringBuilder("coopledger-event-v1\n");
        Field(text, previousHash is null ? null : Convert.ToHexStringLower(previousHash));
        Field(text, streamId.ToString("D"));
        Field(text, version.ToString(CultureInfo.InvariantCulture));
        Field(text, type);
        Field(text, schemaVersion.ToString(CultureInfo.InvariantCulture));
        Field(text, canonicalData);
        Field(text, Instant(effectiveAt));
        Field(text, Instant(recordedAt));
        Field(text, actor);
        Field(text, reason);
        return text.ToString();
    }

    /// <summary>An instant as the encoding writes it: UTC, microseconds, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>.</summary>
    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Field(StringBuilder text, string? value)
    {
        if (value is null)
        {
            text.Append("-\n");
            return;
        }

        text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
    }
}
