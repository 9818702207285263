using System.Net;
using System.Net.Http.Headers;

namespace CoopLedger.Bench.Http;

/// <summary>
/// The one HTTP client all load clients share. Its connections are kept alive and reused: a connection per request
/// would leave thousands of loopback ports in TIME_WAIT per second and measure TCP handshakes rather than the
/// service. It allows as many connections as there are clients, so that no client queues behind another's connection
/// and the concurrency the table shows is the concurrency the service sees.
/// </summary>
internal sealed class LoadClient(Uri service, int clients) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = clients,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = service,
        // Beyond the service's own request timeout (30 s, then 504): a hung answer is counted, not waited for forever.
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Sends the request and reads the whole answer (a client would), returning its status and body.</summary>
    public async Task<(int Status, byte[] Body)> SendAsync(LoadRequest request, AuthenticationHeaderValue token)
    {
        using var message = new HttpRequestMessage(request.Method, new Uri(request.Path, UriKind.Relative));
        message.Headers.Authorization = token;
        if (request.Body is { } body)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await _http.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    public void Dispose() => _http.Dispose();
}
