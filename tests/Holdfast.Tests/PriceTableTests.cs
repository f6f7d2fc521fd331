using Holdfast.Core.Configuration;
using Holdfast.Core.Pricing;
using Holdfast.Core.Usage;

namespace Holdfast.Tests;

public sealed class PriceTableTests
{
    private readonly PriceTable _prices = new(new Dictionary<string, ModelPrice>
    {
        ["gpt-4o-mini"] = new() { Input = 0.15m, Output = 0.60m, CachedInput = 0.075m },
        ["plain"] = new() { Input = 1m, Output = 2m },
    });

    [Fact]
    public void Cost_CountsCachedTokensOnceAtTheirPrice()
    {
        // 1000 prompt tokens of which 400 cached, 500 completion tokens.
        var cost = _prices.Cost("gpt-4o-mini", new TokenCounts(1000, 500, 400));
        Assert.Equal((600 * 0.15m + 400 * 0.075m + 500 * 0.60m) / 1_000_000m, cost);
    }

    [Fact]
    public void Cost_WithoutCachedPrice_UsesInputPrice() =>
        Assert.Equal(4m / 1_000_000m, _prices.Cost("plain", new TokenCounts(2, 1, 1)));

    [Fact]
    public void UnknownModel_IsUnknownNotZero() => Assert.Null(_prices.Cost("mystery", new TokenCounts(1, 1)));
}
