using Holdfast.Core.Pricing;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Metering;

/// <summary>
/// Lets the forwarders price the answer they are passing on, before its body goes out: the
/// <c>x-holdfast-cost-usd</c> header of a whole answer, the cost field of a stream's usage chunk.
/// Set per request by <see cref="Budgets.BudgetGate"/>; <paramref name="target"/> gives the target
/// that is answering.
/// </summary>
public sealed class CallCostFeature(PriceTable prices, Func<Target?> target, bool costInStream)
{
    public const string Header = "x-holdfast-cost-usd";

    /// <summary>Whether the key asked for the cost in the final usage chunk of its streams.</summary>
    public bool CostInStream { get; } = costInStream;

    public decimal? Price(TokenCounts tokens) =>
        target() is { } answering ? prices.Cost(answering.Provider, answering.Model, tokens) : null;

    /// <summary>Sets the cost header on a response about to be written (nothing when the cost is unknown).</summary>
    public static void WriteHeader(HttpContext context, TokenCounts tokens)
    {
        if (context.Features.Get<CallCostFeature>()?.Price(tokens) is { } cost)
            context.Response.Headers[Header] = cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
