using System.Net;
using System.Runtime.CompilerServices;
using CoopLedger.Api.Projections;
using CoopLedger.Api.Reports;
using CoopLedger.Projections.ActionPlan;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Service;

/// <summary>An instance is not ready before its warm-up has been through the whole lists: one of them here is read only once a gate opens.</summary>
public sealed class WarmUpReadinessTests(WarmUpReadinessTests.GatedListApiFactory api) : IClassFixture<WarmUpReadinessTests.GatedListApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readiness_waits_until_the_warm_up_has_read_the_whole_lists()
    {
        var client = api.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative), Cancel)).StatusCode);

        api.Gate.SetResult();

        await api.ReadyAsync();
    }

    /// <summary>The service with one more whole list to keep warm, whose rows come once <see cref="Gate"/> opens.</summary>
    public sealed class GatedListApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
    {
        /// <summary>Opens to let the list's rows be read.</summary>
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <inheritdoc />
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IWholeList>(new WholeList<ActionsPerChallengeRow>(
                "/test/gated", ActionsPerChallengeProjection.ProjectionName, [], (_, _) => new ActionsPerChallengeView([]), nameof(ActionsPerChallengeView.Rows),
                RowsAsync, r => r.PartnershipId)));
        }

        private async IAsyncEnumerable<ActionsPerChallengeRow> RowsAsync(Guid[]? partnerships, DateOnly asOf, DateTimeOffset knownAt,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Gate.Task.WaitAsync(cancellationToken);
            yield break;
        }
    }
}
