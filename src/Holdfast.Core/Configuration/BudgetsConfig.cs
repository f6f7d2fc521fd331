using System.ComponentModel;
using Holdfast.Core.Budgets;

namespace Holdfast.Core.Configuration;

/// <summary>Hard spending caps, and the alerts sent as spending approaches them. Key budgets live on the keys.</summary>
public sealed record BudgetsConfig
{
    [Description("Cap on everything the server spends, e.g. 500/month.")]
    public BudgetLimit? Server { get; init; }

    [Description("Caps per route (by route name), e.g. gpt-fast: 20/day.")]
    public IReadOnlyDictionary<string, BudgetLimit> Routes { get; init; } = new Dictionary<string, BudgetLimit>();

    [Description("Caps per workflow (by workflow name), covering every run of it.")]
    public IReadOnlyDictionary<string, BudgetLimit> Workflows { get; init; } = new Dictionary<string, BudgetLimit>();

    [Description("Soft thresholds in percent of a limit; each fires a log line and the webhook once per window. Default 50, 80, 100.")]
    public IReadOnlyList<int> Thresholds { get; init; } = [50, 80, 100];

    [Description("Where threshold alerts are sent, signed per the Standard Webhooks spec.")]
    public WebhookConfig? Webhook { get; init; }

    [Description("Output tokens reserved for a request that sets no max_tokens, when its route sets no default_max_tokens. Default 4096.")]
    public int AssumedMaxTokens { get; init; } = 4096;
}

public sealed record WebhookConfig
{
    [Description("The URL alerts are POSTed to.")]
    public Uri? Url { get; init; }

    [Description("Signing secret, whsec_ followed by base64. Use ${ENV_VAR}.")]
    public string? Secret { get; init; }
}

public sealed record ServerCostConfig
{
    [Description("What the machine running Holdfast costs per hour, e.g. 0.012.")]
    public decimal PerHour { get; init; }

    [Description("Currency of per_hour (ISO 4217). Reports add it to model costs only when it is USD. Default USD.")]
    public string Currency { get; init; } = "USD";
}

public sealed record UsageConfig
{
    [Description("How long raw usage records are kept; older ones are deleted (their totals stay in the hourly aggregates). Default 30d.")]
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);
}
