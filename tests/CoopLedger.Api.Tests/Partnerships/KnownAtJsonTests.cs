using System.Text.Json.Serialization.Metadata;
using CoopLedger.Api.Partnerships.Queries;
using CoopLedger.Domain.Partnerships.ActionPlan;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CoopLedger.Api.Tests.Partnerships;

/// <summary>
/// A kept view's JSON with its <c>knownAt</c> written per answer is, byte for byte and header for header, what the
/// service's serializer writes for the whole view, whatever its strings hold and whatever instant it is known at.
/// </summary>
public sealed class KnownAtJsonTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public void A_kept_view_answers_what_serializing_the_whole_view_answers()
    {
        var typeInfo = PlanJson;
        var titles = ArbMap.Default.GeneratorFor<string>().Where(t => t is not null)
            .Select(t => t.Length % 3 == 0 ? $"{t}\"knownAt\":\"0001-01-01T00:00:00+00:00\"" : t);
        var instants = ArbMap.Default.GeneratorFor<DateTimeOffset>();
        var property = Prop.ForAll(Gen.Zip(titles, instants).ToArbitrary(), pair =>
        {
            var (title, knownAt) = pair;
            var view = new PlanView(new DateOnly(2024, 2, 29), KnownAtJson.Placeholder,
                [new ChallengeView(Guid.NewGuid(), title, false, [new ActionView(Guid.NewGuid(), title, ActionStatus.Postponed, 2027, null)])],
                [new AnnualProgrammeView(2024, [Guid.NewGuid()])]);
            var kept = Written(KnownAtJson.Of(view, typeInfo).Answer(knownAt));
            var whole = Written(TypedResults.Ok(view with { KnownAt = knownAt }));
            return (kept.Body.SequenceEqual(whole.Body) && kept.ContentType == whole.ContentType && kept.Status == whole.Status)
                .Label($"kept {System.Text.Encoding.UTF8.GetString(kept.Body)} ({kept.ContentType}), whole {System.Text.Encoding.UTF8.GetString(whole.Body)} ({whole.ContentType})");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void A_view_without_the_placeholder_is_refused()
    {
        var typeInfo = PlanJson;
        var view = new PlanView(new DateOnly(2024, 2, 29), DateTimeOffset.UnixEpoch, [], []);

        Assert.Throws<InvalidOperationException>(() => KnownAtJson.Of(view, typeInfo));
    }

    /// <summary>How the service serializes a plan: its own options, enumerations by name.</summary>
    private JsonTypeInfo<PlanView> PlanJson =>
        (JsonTypeInfo<PlanView>)api.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(PlanView));

    private (byte[] Body, string? ContentType, int Status) Written(IResult result)
    {
        var body = new MemoryStream();
        var http = new DefaultHttpContext { RequestServices = api.Services };
        http.Response.Body = body;
        // The result runs on the thread pool: FsCheck's properties are synchronous.
        Task.Run(() => result.ExecuteAsync(http)).GetAwaiter().GetResult();
        // A length that differs from the body makes a real server cut the answer; no length at all is a chunked answer.
        Assert.True(http.Response.ContentLength is null || http.Response.ContentLength == body.Length, $"Content-Length {http.Response.ContentLength} for {body.Length} bytes");
        return (body.ToArray(), http.Response.ContentType, http.Response.StatusCode);
    }
}
