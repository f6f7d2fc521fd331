using System.ComponentModel;

namespace Holdfast.Core.Configuration;

public sealed record RouteConfig
{
    [Description("The model name clients send.")]
    public string Name { get; init; } = "";

    [Description("Provider targets, tried in order.")]
    public IReadOnlyList<TargetConfig> Targets { get; init; } = [];
}

public sealed record TargetConfig
{
    [Description("Name of a provider.")]
    public string Provider { get; init; } = "";

    [Description("Model name sent to that provider.")]
    public string Model { get; init; } = "";
}
