using CoopLedger.Domain.Partnerships.Registration;
using static CoopLedger.Domain.Tests.Histories;

namespace CoopLedger.Domain.Tests.Partnerships;

public sealed class ThemeTests
{
    private static readonly ThemePath Youth = new(["Jeunesse", "Mobilité internationale"]);

    [Fact]
    public void Other_themes_rank_by_priority_and_priority_0_replaces_the_primary_theme()
    {
        Scenario.Given(Registered).Then(s => new AssignTheme(Youth, 1).Decide(s), new ThemeAssigned(Youth, 1));

        var ranked = Scenario.Given(Registered, new ThemeAssigned(Youth, 1)).State;
        Assert.Equal(Registered.PrimaryTheme, ranked.PrimaryTheme);
        Assert.Equal([Youth], ranked.OtherThemes.Select(t => t.Theme));

        var promoted = Scenario.Given(Registered, new ThemeAssigned(Youth, 1), new ThemeAssigned(Youth, 0)).State;
        Assert.Equal(Youth, promoted.PrimaryTheme);
        Assert.Empty(promoted.OtherThemes);
    }

    [Fact]
    public void A_negative_priority_is_refused() =>
        Assert.Equal("priority-negative", Scenario.Given(Registered).ThenRefused(s => new AssignTheme(Youth, -1).Decide(s)));
}
