using Holdfast.Core.Configuration;
using Holdfast.Core.Usage;

namespace Holdfast.Core.Pricing;

/// <summary>A model's price and where it was found.</summary>
public sealed record PriceMatch(ModelPrice Price, PriceSource Source);

/// <summary>
/// Turns what a call or job used into money. A model's price is looked up, in order, in its
/// provider's <c>prices</c>, the config's <c>prices</c>, then the built-in catalogue (for the
/// provider's host first). No price means an unknown cost (null), never a silent zero.
/// </summary>
public sealed class PriceTable
{
    private readonly IReadOnlyDictionary<string, ModelPrice> _config;
    private readonly PriceCatalogue? _catalogue;

    public PriceTable(HoldfastConfig config)
        : this(config.Prices, config.BuiltinPrices ? PriceCatalogue.BuiltIn : null)
    {
    }

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> config, PriceCatalogue? catalogue)
    {
        _config = config;
        _catalogue = catalogue;
    }

    public PriceMatch? Find(ProviderConfig provider, string model)
    {
        if (provider.Prices.TryGetValue(model, out var price))
            return new PriceMatch(price, PriceSource.Provider);
        if (_config.TryGetValue(model, out price))
            return new PriceMatch(price, PriceSource.Config);
        if (_catalogue is null)
            return null;
        if (provider.BaseUrl is { IsAbsoluteUri: true } url
            && _catalogue.Hosts.TryGetValue(url.Host, out var hosted) && hosted.TryGetValue(model, out price))
            return new PriceMatch(price, PriceSource.CatalogueHost);
        return _catalogue.Models.TryGetValue(model, out price) ? new PriceMatch(price, PriceSource.Catalogue) : null;
    }

    /// <returns>The cost of a model call, or null when it is not known.</returns>
    public decimal? Cost(ProviderConfig provider, string model, TokenCounts tokens) =>
        Find(provider, model) is { } match ? CostCalculator.Tokens(match.Price, tokens) : null;

    /// <summary>The cost of a job from what it used (GPU seconds, output seconds, images).</summary>
    /// <returns>The cost, or null when the model has no price for something the job used.</returns>
    public decimal? JobCost(ProviderConfig provider, string model, JobUsage usage) =>
        Find(provider, model) is { } match ? CostCalculator.Job(match.Price, usage) : null;
}
