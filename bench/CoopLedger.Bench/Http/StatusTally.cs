using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace CoopLedger.Bench.Http;

/// <summary>
/// Every answer of a level by status, warm-up included (0 = no answer: a connection error or a client timeout), and
/// the first few failures verbatim. A level with any non-2xx answer is not a valid figure: a service that answers 429
/// or 503 fast would otherwise look fast.
/// </summary>
internal sealed class StatusTally
{
    private const int KeptFailures = 5;
    private const int KeptBodyCharacters = 300;
    private readonly ConcurrentDictionary<int, long> _counts = new();
    private readonly ConcurrentQueue<string> _failures = new();

    /// <summary>Every answer counted, warm-up included.</summary>
    public long Total => _counts.Values.Sum();

    public long Errors => _counts.Where(c => !IsSuccess(c.Key)).Sum(c => c.Value);

    /// <summary>The first failures: request, status and the problem details the service answered.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    public void Count(LoadRequest request, int status, byte[] body)
    {
        _counts.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (!IsSuccess(status))
        {
            Keep(request, status.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(body));
        }
    }

    public void NoAnswer(LoadRequest request, Exception error)
    {
        _counts.AddOrUpdate(0, 1, (_, n) => n + 1);
        Keep(request, "no answer", $"{error.GetType().Name}: {error.Message}");
    }

    /// <summary>E.g. <c>200: 5,310, 201: 592</c>.</summary>
    public override string ToString() => string.Join(", ", _counts.OrderBy(c => c.Key)
        .Select(c => string.Create(CultureInfo.InvariantCulture, $"{(c.Key == 0 ? "no answer" : c.Key.ToString(CultureInfo.InvariantCulture))}: {c.Value:N0}")));

    private static bool IsSuccess(int status) => status is >= 200 and < 300;

    private void Keep(LoadRequest request, string status, string detail)
    {
        if (_failures.Count < KeptFailures)
        {
            _failures.Enqueue($"{request.Method} {request.Path} → {status} {(detail.Length > KeptBodyCharacters ? detail[..KeptBodyCharacters] + "…" : detail)}");
        }
    }
}
