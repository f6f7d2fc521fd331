using Holdfast.Core.Configuration;
using Holdfast.Core.Usage;

namespace Holdfast.Core.Pricing;

/// <summary>Turns token counts into money. Prices are USD per million tokens.</summary>
public sealed class PriceTable
{
    private const decimal PerMillion = 1_000_000m;
    private readonly Dictionary<string, ModelPrice> _prices;

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> prices)
    {
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.Ordinal);
    }

    public bool Knows(string model) => _prices.ContainsKey(model);

    /// <returns>The cost, or null when the model has no price (never a silent zero).</returns>
    public decimal? Cost(string? model, TokenCounts tokens)
    {
        if (model is null || !_prices.TryGetValue(model, out var price))
            return null;
        var cached = Math.Min(tokens.CachedPrompt, tokens.Prompt);
        var uncached = tokens.Prompt - cached;
        return (uncached * price.Input + cached * (price.CachedInput ?? price.Input) + tokens.Completion * price.Output) / PerMillion;
    }
}
