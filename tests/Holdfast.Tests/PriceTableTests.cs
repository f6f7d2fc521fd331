using Holdfast.Core.Configuration;
using Holdfast.Core.Pricing;
using Holdfast.Core.Usage;

namespace Holdfast.Tests;

public sealed class PriceTableTests
{
    private static readonly ProviderConfig Groq = new() { Name = "groq", BaseUrl = new Uri("https://api.groq.com/openai/v1") };
    private static readonly ProviderConfig Local = new()
    {
        Name = "local",
        BaseUrl = new Uri("http://127.0.0.1:11434/v1"),
        Prices = new Dictionary<string, ModelPrice> { ["gpt-4o-mini"] = new() { Input = 9m, Output = 9m } },
    };

    private readonly PriceTable _prices = new(new Dictionary<string, ModelPrice>
    {
        ["plain"] = new() { Input = 1m, Output = 2m },
        ["claude-sonnet-4-5"] = new() { Input = 3m, Output = 15m, CachedInput = 0.3m, CacheWrite = 3.75m },
        ["video"] = new() { PerOutputSecond = 0.5m, PerGpuSecond = 0.001m },
        ["tiny"] = new() { Input = 0.0015m, Output = 0m },
    }, PriceCatalogue.BuiltIn);

    [Fact]
    public void Cost_CountsCachedAndCacheWriteTokensOnceAtTheirPrices()
    {
        // 1000 prompt tokens: 400 read from the cache, 100 written to it, 500 plain; 200 completion tokens.
        var cost = _prices.Cost(Groq, "claude-sonnet-4-5", new TokenCounts(1000, 200, 400, CacheWritePrompt: 100));
        Assert.Equal((500 * 3m + 400 * 0.3m + 100 * 3.75m + 200 * 15m) / 1_000_000m, cost);
    }

    [Fact]
    public void Cost_WithoutCachedPrice_UsesInputPrice() =>
        Assert.Equal(4m / 1_000_000m, _prices.Cost(Groq, "plain", new TokenCounts(2, 1, 1)));

    [Fact]
    public void Find_PrefersProviderThenConfigThenHostThenCatalogue()
    {
        Assert.Equal(PriceSource.Provider, _prices.Find(Local, "gpt-4o-mini")!.Source);
        Assert.Equal(PriceSource.Config, _prices.Find(Groq, "plain")!.Source);
        var hosted = _prices.Find(Groq, "llama-3.3-70b-versatile")!;
        Assert.Equal((PriceSource.CatalogueHost, 0.59m), (hosted.Source, hosted.Price.Input));
        Assert.Null(_prices.Find(Local, "llama-3.3-70b-versatile"));
        Assert.Equal(PriceSource.Catalogue, _prices.Find(Groq, "gpt-4o-mini")!.Source);
    }

    [Fact]
    public void UnknownModel_IsUnknownNotZero() => Assert.Null(_prices.Cost(Groq, "mystery", new TokenCounts(1, 1)));

    [Fact]
    public void UsingADimensionWithNoPrice_IsUnknown()
    {
        Assert.Null(_prices.Cost(Groq, "video", new TokenCounts(10, 0)));
        Assert.Null(_prices.JobCost(Groq, "plain", new JobUsage(GpuSeconds: 3)));
        Assert.Equal(0m, _prices.Cost(Groq, "video", new TokenCounts(0, 0)));
    }

    [Fact]
    public void JobCost_PricesGpuSecondsOutputSecondsAndImages()
    {
        Assert.Equal(8 * 0.5m + 120 * 0.001m, _prices.JobCost(Groq, "video", new JobUsage(GpuSeconds: 120, OutputSeconds: 8)));
        Assert.Equal(4 * 0.04m, _prices.JobCost(Groq, "dall-e-3", new JobUsage(Images: 4)));
        Assert.Equal(8 * 0.40m, _prices.JobCost(Groq, "veo-3.0-generate-001", new JobUsage(OutputSeconds: 8)));
    }

    [Fact]
    public void Catalogue_CarriesItsDate_AndEveryPriceIsNonNegative()
    {
        Assert.True(PriceCatalogue.BuiltIn.AsOf > new DateOnly(2025, 1, 1));
        var all = PriceCatalogue.BuiltIn.Models.Values.Concat(PriceCatalogue.BuiltIn.Hosts.Values.SelectMany(h => h.Values)).ToList();
        Assert.True(all.Count > 60);
        Assert.All(all, p => Assert.True(new[] { p.Input, p.Output, p.CachedInput, p.CacheWrite, p.PerImage, p.PerOutputSecond, p.PerGpuSecond }.All(v => v is null or >= 0)));
    }

    [Fact]
    public void Costs_AreRoundedToWholeNanoDollars() =>
        // 1.5 nano-dollars rounds away from zero, once, where the cost is computed.
        Assert.Equal(0.000_000_002m, _prices.Cost(Groq, "tiny", new TokenCounts(1, 0)));
}
