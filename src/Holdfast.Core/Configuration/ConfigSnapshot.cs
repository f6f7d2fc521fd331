using Holdfast.Core.Pricing;
using Holdfast.Core.Routing;

namespace Holdfast.Core.Configuration;

/// <summary>A validated configuration with the tables derived from it, built once and swapped whole.</summary>
public sealed class ConfigSnapshot
{
    public ConfigSnapshot(HoldfastConfig config)
    {
        Config = config;
        Routes = new RouteTable(config);
        Prices = new PriceTable(config.Prices);
    }

    public HoldfastConfig Config { get; }
    public RouteTable Routes { get; }
    public PriceTable Prices { get; }
}
