using Holdfast.Core.Configuration;
using Holdfast.Core.Pricing;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// The most a call on a route can cost, before it is sent: its prompt at one token per
/// <see cref="BytesPerPromptToken"/> bytes of request body (an overestimate for text), all of it at
/// the full input price, plus its output cap (max_tokens, else the route's default_max_tokens, else
/// budgets.assumed_max_tokens) at the output price — on the dearest of the route's targets.
/// </summary>
public static class WorstCaseCost
{
    public const int BytesPerPromptToken = 3;

    /// <returns>The cost, or null when a target of the route has no price (its cost could not be counted).</returns>
    public static decimal? Of(ConfigSnapshot snapshot, Route route, long bodyBytes, long? maxTokens, bool producesOutput)
    {
        var prompt = (bodyBytes + BytesPerPromptToken - 1) / BytesPerPromptToken;
        var output = producesOutput ? maxTokens ?? route.DefaultMaxTokens ?? snapshot.Config.Budgets.AssumedMaxTokens : 0;
        var tokens = new TokenCounts(prompt, output);
        decimal worst = 0;
        foreach (var target in route.Targets)
        {
            if (snapshot.Prices.Find(target.Provider, target.Model) is not { } match
                || CostCalculator.Tokens(match.Price, tokens) is not { } cost)
                return null;
            worst = Math.Max(worst, cost);
        }
        return worst;
    }
}
