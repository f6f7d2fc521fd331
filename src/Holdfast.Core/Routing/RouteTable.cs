using Holdfast.Core.Configuration;

namespace Holdfast.Core.Routing;

public sealed record Target(ProviderConfig Provider, string Model);

public sealed record Route(string Name, IReadOnlyList<Target> Targets)
{
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
            r => new Route(r.Name, r.Targets.Select(t => new Target(providers[t.Provider], t.Model)).ToList()) { DefaultMaxTokens = r.DefaultMaxTokens },
            StringComparer.Ordinal);
    }

    public IEnumerable<Route> All => _routes.Values;

    public bool TryGet(string name, out Route route) => _routes.TryGetValue(name, out route!);
}
