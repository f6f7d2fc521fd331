using Holdfast.Core.Configuration;
using Holdfast.Core.Usage;

namespace Holdfast.Core.Pricing;

/// <summary>
/// Applies one model's price to what a call or job used. A quantity that is not zero and has no
/// price makes the whole cost unknown (null): a cost is never silently zero. Results are rounded to
/// whole nano-dollars (<see cref="Usd"/>).
/// </summary>
public static class CostCalculator
{
    private const decimal PerMillion = 1_000_000m;

    public static decimal? Tokens(ModelPrice price, TokenCounts tokens)
    {
        var cached = Math.Min(Math.Max(tokens.CachedPrompt, 0), tokens.Prompt);
        var written = Math.Min(Math.Max(tokens.CacheWritePrompt, 0), tokens.Prompt - cached);
        var plain = tokens.Prompt - cached - written;
        decimal total = 0;
        if (!Add(ref total, plain, price.Input)
            || !Add(ref total, cached, price.CachedInput ?? price.Input)
            || !Add(ref total, written, price.CacheWrite ?? price.Input)
            || !Add(ref total, tokens.Completion, price.Output))
            return null;
        return Usd.Round(total / PerMillion);
    }

    public static decimal? Job(ModelPrice price, JobUsage usage)
    {
        decimal total = 0;
        if (!Add(ref total, usage.GpuSeconds, price.PerGpuSecond)
            || !Add(ref total, usage.OutputSeconds, price.PerOutputSecond)
            || !Add(ref total, usage.Images, price.PerImage))
            return null;
        return Usd.Round(total);
    }

    private static bool Add(ref decimal total, decimal quantity, decimal? unitPrice)
    {
        if (quantity == 0)
            return true;
        if (unitPrice is not { } price)
            return false;
        total += quantity * price;
        return true;
    }
}
