using System.Net;
using System.Net.Http.Json;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.Projections.Funding;
using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Projections;

/// <summary>The service configured to apply the funding read model inline.</summary>
public sealed class InlineFundingApiFactory(PostgresCluster cluster) : ApiFactory(cluster)
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Projections:Inline:0", "funding_per_year");
    }
}

public sealed class InlineProjectionTests(InlineFundingApiFactory api) : IClassFixture<InlineFundingApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_inline_read_model_answers_a_write_at_once_without_waiting_and_rebuilds_like_the_others()
    {
        var client = new ApiClient(api.CreateClient());
        var p = $"/api/partnerships/{(await client.PostAsync("/api/partnerships", ApiClient.Registration("Inline (test)"), HttpStatusCode.Created)).GetProperty("id").GetString()}";
        var funding = new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "4321.00", year = 2040, mechanism = "GeneralBudget", reason = "test" };
        var fundingId = (await client.PostAsync($"{p}/funding", funding)).GetProperty("fundingId").GetString();

        // No minPosition and no wait: the append's own transaction wrote the row.
        Assert.Equal("4321.00", await AmountIn2040Async(client));
        var projections = (await client.GetAsync("/api/projections")).GetProperty("projections").EnumerateArray().ToList();
        Assert.Equal("inline", projections.Single(v => v.GetProperty("name").GetString() == "funding_per_year").GetProperty("mode").GetString());
        Assert.Equal("async", projections.Single(v => v.GetProperty("name").GetString() == "active_partnerships").GetProperty("mode").GetString());

        var rebuild = await api.CreateClient().PostAsync(new Uri("/api/projections/funding_per_year/rebuild", UriKind.Relative), null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        await client.PostAsync($"{p}/funding/{fundingId}/revisions", new { amount = "5000.00", reason = "avenant" });
        await client.RebuiltAsync();

        Assert.Equal("5000.00", await AmountIn2040Async(client));
    }

    [Fact]
    public async Task An_append_rolled_back_after_its_inline_projection_leaves_nothing_later_commands_decide_on()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Rolled back (test)"), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var store = api.Services.GetRequiredService<PostgresEventStore>();
        var phantom = Guid.NewGuid();
        await using (var connection = await store.DataSource.OpenConnectionAsync(Cancel))
        await using (var transaction = await connection.BeginTransactionAsync(Cancel))
        {
            // The inline projection reads the partnership's history inside this transaction, then it rolls back.
            var line = new FundingCommitted(phantom, new Funder("Ville", FunderKind.FrenchAuthority), 7777m, 2042, FundingMechanism.GeneralBudget, null, false);
            await store.AppendAsync(connection, id, PartnershipEventTypes.StreamType, ExpectedVersion.Exactly(1), [new NewEvent(line)],
                new AppendMetadata("test", "rolled back", null), Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        // The line never existed: revising it is a 404, and the next commitment is the partnership's second version.
        var revision = await client.Http.PostAsJsonAsync(new Uri($"/api/partnerships/{id}/funding/{phantom}/revisions", UriKind.Relative), new { amount = "1.00", reason = "test" }, Cancel);
        await Problems.ReadAsync(revision, HttpStatusCode.NotFound);
        var funding = new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "10.00", year = 2042, mechanism = "GeneralBudget", reason = "test" };
        Assert.Equal(2, (await client.PostAsync($"/api/partnerships/{id}/funding", funding)).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task After_another_instance_appended_the_inline_projection_folds_again_rather_than_follow_what_it_kept()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Two instances (test)"), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var store = api.Services.GetRequiredService<PostgresEventStore>();
        var funder = new Funder("Ville", FunderKind.FrenchAuthority);

        // This instance's inline projection follows version 2 of a transaction that rolls back...
        await using (var connection = await store.DataSource.OpenConnectionAsync(Cancel))
        await using (var transaction = await connection.BeginTransactionAsync(Cancel))
        {
            await store.AppendAsync(connection, id, PartnershipEventTypes.StreamType, ExpectedVersion.Exactly(1),
                [new NewEvent(new FundingCommitted(Guid.NewGuid(), funder, 7777m, 2043, FundingMechanism.GeneralBudget, null, false))],
                new AppendMetadata("test", "rolled back", null), Cancel);
            await transaction.RollbackAsync(Cancel);
        }

        // ...while another instance, with its own inline projection, commits a different version 2.
        var other = new PostgresEventStore(store.DataSource, store.Types);
        other.Inline.Register(new FundingPerYearProjection(other));
        var theirs = Guid.NewGuid();
        await other.AppendAsync(id, PartnershipEventTypes.StreamType, ExpectedVersion.Exactly(1),
            [new NewEvent(new FundingCommitted(theirs, funder, 1000m, 2043, FundingMechanism.GeneralBudget, null, false))],
            new AppendMetadata("test", "the other instance", null), Cancel);

        // Back on this instance: its kept timeline ends at a version 2 that never was, so it must fold the history again.
        var funding = new { funder = new { name = "Ville", kind = "FrenchAuthority" }, amount = "10.00", year = 2043, mechanism = "GeneralBudget", reason = "test" };
        await client.PostAsync($"/api/partnerships/{id}/funding", funding);
        await client.PostAsync($"/api/partnerships/{id}/funding/{theirs}/revisions", new { amount = "1500.00", reason = "avenant" });

        var rows = (await client.GetAsync($"/api/reports/funding-per-year?from=2043&to=2043&groupBy=partnership")).GetProperty("rows");
        Assert.Equal("1510.00", rows.EnumerateArray().Single(r => r.GetProperty("key").GetString() == id.ToString()).GetProperty("amount").GetString());
    }

    private static async Task<string?> AmountIn2040Async(ApiClient client) =>
        (await client.GetAsync("/api/reports/funding-per-year?from=2040&to=2040&groupBy=funderKind")).GetProperty("rows")[0].GetProperty("amount").GetString();
}
