using System.Net;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Appending;
using CoopLedger.EventStore.Events;
using CoopLedger.Api.Tests.Partnerships;
using CoopLedger.Api.Tests.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Projections;

/// <summary>A projection that stops on an event it cannot apply says so in the log, as well as in its status.</summary>
public sealed class ProjectionFailureLogTests(LogCapturingApiFactory api) : IClassFixture<LogCapturingApiFactory>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_projection_stopped_on_an_event_it_cannot_apply_is_logged_with_the_event_position()
    {
        var client = new ApiClient(api.CreateClient());
        var id = (await client.PostAsync("/api/partnerships", ApiClient.Registration("Poisoned (test)"), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // Past the commands' validation, straight into the store: an amount the funding read model cannot write (its
        // column is numeric(14,2)).
        var store = api.Services.GetRequiredService<PostgresEventStore>();
        var appended = await store.AppendAsync(id, PartnershipEventTypes.StreamType, ExpectedVersion.Exactly(1),
            [new NewEvent(new FundingCommitted(Guid.NewGuid(), new Funder("Ville", FunderKind.FrenchAuthority), 1e15m, 2030, FundingMechanism.GeneralBudget, null, false))],
            new AppendMetadata("test", "a poison event", null), Cancel);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? line;
        while ((line = api.Lines.FirstOrDefault(l => l.Contains("Projection funding_per_year stopped", StringComparison.Ordinal))) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel);
        }

        Assert.NotNull(line);
        Assert.Contains($"position {appended.Position}", line, StringComparison.Ordinal);
        Assert.Contains("PostgresException", line, StringComparison.Ordinal);
        var status = (await client.GetAsync("/api/projections")).GetProperty("projections").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "funding_per_year");
        Assert.Equal("failed", status.GetProperty("status").GetString());
    }
}
