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

    [Description("Prices by upstream model name (USD: per million tokens, per image, per second); they win over the built-in catalogue.")]
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();

    [Description("Use the built-in price catalogue for models not priced here. Default true.")]
    public bool BuiltinPrices { get; init; } = true;

    [Description("IANA time zone of calendar days, weeks and months: budget windows and usage reports. Default UTC.")]
    public string TimeZone { get; init; } = "UTC";

    [Description("Hard budgets on the server, routes and workflows, and their alerts.")]
    public BudgetsConfig Budgets { get; init; } = new();

    [Description("The machine's own price, so reports show the full cost of running Holdfast.")]
    public ServerCostConfig? ServerCost { get; init; }

    [Description("Usage log retention.")]
    public UsageConfig Usage { get; init; } = new();
}
