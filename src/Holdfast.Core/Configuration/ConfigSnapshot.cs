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
        Prices = new PriceTable(config);
        TimeZone = TimeZoneInfo.FindSystemTimeZoneById(config.TimeZone);
    }

    public HoldfastConfig Config { get; }
    public RouteTable Routes { get; }
    public PriceTable Prices { get; }

    /// <summary>The calendar of budget windows and report days.</summary>
    public TimeZoneInfo TimeZone { get; }
}
