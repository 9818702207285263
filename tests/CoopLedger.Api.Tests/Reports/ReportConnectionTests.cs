using CoopLedger.Api.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Reports;

public sealed class ReportConnectionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Reports_plan_each_query_for_its_values_and_never_compile_it()
    {
        var reports = api.Services.GetRequiredService<ReportDataSource>();
        await using var command = reports.CreateCommand("SELECT current_setting('plan_cache_mode') || ' ' || current_setting('jit')");

        Assert.Equal("force_custom_plan off", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
