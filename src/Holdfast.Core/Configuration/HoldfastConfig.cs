using System.ComponentModel;

namespace Holdfast.Core.Configuration;

/// <summary>The whole configuration file, immutable once loaded; a reload builds a new one.</summary>
public sealed record HoldfastConfig
{
    [Description("Token for the admin API and dashboard. Prefer ${HOLDFAST_ADMIN_TOKEN}.")]
    public string? AdminToken { get; init; }

    [Description("Listening addresses, limits and shutdown.")]
    public ServerConfig Server { get; init; } = new();

    [Description("Where Holdfast keeps keys, usage and state.")]
    public StoreConfig Store { get; init; } = new();

    [Description("Backends that serve models.")]
    public IReadOnlyList<ProviderConfig> Providers { get; init; } = [];

    [Description("Public model names clients send, each mapped to provider targets.")]
    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    [Description("USD per million tokens, by upstream model name.")]
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();
}
