using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using CoopLedger.Api.Security;
using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace CoopLedger.Api.Tests.Security;

/// <summary>The service with every log line at Debug and up kept in memory, to read what it says about people.</summary>
public sealed class LogCapturingApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <summary>Every log line written, formatted, with its structured values.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingProvider(Lines)));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} {formatter(state, exception)} {Describe(state)} {exception}");

        private static string Describe<TState>(TState state) => state is IEnumerable<KeyValuePair<string, object?>> values
            ? string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))
            : $"{state}";
    }
}

/// <summary>Who did what is in the ledger for the auditors; it is in no log line and no span.</summary>
public sealed class PersonalDataTests(LogCapturingApiFactory api) : IClassFixture<LogCapturingApiFactory>
{
    private const string Email = "marie.lambert@saint-etienne.example";
    private const string Name = "Marie Lambert-Sécurité";

    [Fact]
    public async Task The_holders_e_mail_and_name_appear_in_no_log_line_and_no_span_but_in_the_ledger()
    {
        var spans = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue($"{activity.Source.Name} {activity.DisplayName} "
                + string.Join(", ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))
                + string.Join(", ", activity.Events.SelectMany(e => e.Tags).Select(t => $"{t.Key}={t.Value}"))),
        };
        ActivitySource.AddActivityListener(listener);
        var officer = api.CreateClient(new TokenRequest(Email, [Roles.Officer, Roles.Auditor], ["214202186"], TimeSpan.FromHours(1), Name));
        var cancel = TestContext.Current.CancellationToken;

        var id = (await new ApiClient(officer).PostAsync("/api/partnerships", ApiClient.Registration(), HttpStatusCode.Created)).GetProperty("id").GetString();
        await officer.PostAsJsonAsync(new Uri($"/api/partnerships/{id}/challenges", UriKind.Relative), new { title = "Eau" }, cancel);
        await officer.PostAsJsonAsync(new Uri($"/api/partnerships/{id}/challenges", UriKind.Relative), new { title = "" }, cancel);
        await officer.PostAsJsonAsync(new Uri($"/api/partnerships/{id}/termination", UriKind.Relative), new { endDate = "1999-01-01", reason = "x" }, cancel);
        await officer.GetAsync(new Uri($"/api/partnerships/{id}/history", UriKind.Relative), cancel);
        await api.CreateClient(ApiFactory.Holder(Roles.Dashboard)).PostAsJsonAsync(new Uri($"/api/partnerships/{id}/challenges", UriKind.Relative), new { title = "x" }, cancel);
        var history = await new ApiClient(officer).GetAsync($"/api/partnerships/{id}/history");

        Assert.All(history.GetProperty("events").EnumerateArray(), e => Assert.Equal(Email, e.GetProperty("actor").GetString()));
        Assert.NotEmpty(api.Lines);
        Assert.Contains(spans, s => s.StartsWith("CoopLedger.EventStore", StringComparison.Ordinal));
        foreach (var secret in new[] { Email, Name, "marie.lambert" })
        {
            Assert.DoesNotContain(api.Lines, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(spans, span => span.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
