using System.ComponentModel;

namespace Holdfast.Core.Configuration;

public sealed record ProviderConfig
{
    [Description("Name that route targets refer to.")]
    public string Name { get; init; } = "";

    [Description("Adapter: openai-compatible.")]
    public string Type { get; init; } = ProviderTypes.OpenAiCompatible;

    [Description("Base URL including the version path, e.g. https://api.openai.com/v1.")]
    public Uri? BaseUrl { get; init; }

    [Description("Credential sent to the provider. Use ${ENV_VAR}; it is never logged.")]
    public string? ApiKey { get; init; }

    [Description("How long to wait for the provider to start answering (response headers). Default 10m.")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    [Description("Prices of this provider's models, by the model name sent to it; they win over the top-level prices and the built-in catalogue.")]
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();
}

public static class ProviderTypes
{
    public const string OpenAiCompatible = "openai-compatible";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { OpenAiCompatible };
}
