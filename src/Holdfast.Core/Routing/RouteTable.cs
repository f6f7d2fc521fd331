using Holdfast.Core.Configuration;

namespace Holdfast.Core.Routing;

/// <summary>One provider and one upstream model: the unit that health, limits and circuits are kept for.</summary>
public sealed record Target(ProviderConfig Provider, string Model)
{
    public TargetConfig Config { get; init; } = new();

    /// <summary><c>provider/model</c>: names the target in health reports and logs.</summary>
    public string Id { get; } = Provider.Name + "/" + Model;
}

public sealed record Route(string Name, IReadOnlyList<Target> Targets)
{
    public RouteConfig Config { get; init; } = new();

    /// <summary>Output tokens a request without max_tokens is reserved for under a budget, when set.</summary>
    public int? DefaultMaxTokens { get; init; }
}

/// <summary>Routes by public model name, resolved against providers once per configuration.</summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, Route> _routes;

    public RouteTable(HoldfastConfig config)
    {
        var providers = config.Providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _routes = config.Routes.ToDictionary(
            r => r.Name,
            r => new Route(r.Name, r.Targets.Select(t => new Target(providers[t.Provider], t.Model) { Config = t }).ToList())
            {
                Config = r,
                DefaultMaxTokens = r.DefaultMaxTokens,
            },
            StringComparer.Ordinal);
    }

    public IEnumerable<Route> All => _routes.Values;

    public bool TryGet(string name, out Route route) => _routes.TryGetValue(name, out route!);
}
