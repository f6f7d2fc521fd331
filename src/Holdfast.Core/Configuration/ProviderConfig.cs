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

    [Description("Header the credential goes in: authorization (as 'Bearer <key>', the default) or api-key (Azure OpenAI, sent as is).")]
    public string AuthHeader { get; init; } = ProviderAuthHeaders.Authorization;

    [Description("Sent as the api-version query parameter on every call (Azure OpenAI).")]
    public string? ApiVersion { get; init; }

    [Description("Call <base_url>/deployments/<target model>/<endpoint>, as Azure OpenAI's deployment URLs are built. Default false.")]
    public bool DeploymentUrls { get; init; }

    [Description("Extra headers sent on every call to this provider, e.g. HTTP-Referer for OpenRouter.")]
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    [Description("How long to wait for the provider to start answering (response headers). Default 10m.")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    [Description("Prices of this provider's models, by the model name sent to it; they win over the top-level prices and the built-in catalogue.")]
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();

    [Description("How long to wait for a connection to the provider. Default 10s.")]
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    [Description("When each of this provider's targets is taken out of rotation.")]
    public CircuitBreakerConfig CircuitBreaker { get; init; } = new();
}

public sealed record CircuitBreakerConfig
{
    [Description("Failures within the window that open the circuit; 0 turns the breaker off. Default 5.")]
    public int Failures { get; init; } = 5;

    [Description("The window the failures are counted in. Default 30s.")]
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);

    [Description("How long an open circuit skips the target before one trial call is let through. Default 30s.")]
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);
}

public static class ProviderTypes
{
    public const string OpenAiCompatible = "openai-compatible";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { OpenAiCompatible };
}

public static class ProviderAuthHeaders
{
    public const string Authorization = "authorization";
    public const string ApiKey = "api-key";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Authorization, ApiKey };
}
