using System.ComponentModel;

namespace Holdfast.Core.Configuration;

public sealed record RouteConfig
{
    [Description("The model name clients send.")]
    public string Name { get; init; } = "";

    [Description("Provider targets, tried in order.")]
    public IReadOnlyList<TargetConfig> Targets { get; init; } = [];

    [Description("Output tokens a request without max_tokens is reserved for under a budget. Default budgets.assumed_max_tokens.")]
    public int? DefaultMaxTokens { get; init; }
}

public sealed record TargetConfig
{
    [Description("Name of a provider.")]
    public string Provider { get; init; } = "";

    [Description("Model name sent to that provider.")]
    public string Model { get; init; } = "";
}
