using System.ComponentModel;

namespace Holdfast.Core.Configuration;

public sealed record RouteConfig
{
    [Description("The model name clients send.")]
    public string Name { get; init; } = "";

    [Description("How the first target is chosen: priority (in order), weighted, latency (fastest recently) or cost (cheapest). The rest follow as fallbacks. Default priority.")]
    public string Strategy { get; init; } = RouteStrategies.Priority;

    [Description("Provider targets.")]
    public IReadOnlyList<TargetConfig> Targets { get; init; } = [];

    [Description("Retries after every target has failed.")]
    public RetryConfig Retry { get; init; } = new();

    [Description("Per-attempt timeouts; unset ones take the provider's.")]
    public TimeoutsConfig Timeouts { get; init; } = new();

    [Description("Longest a request may take across all attempts and waits; unset means no limit beyond the timeouts.")]
    public TimeSpan? Deadline { get; init; }

    [Description("How long a stream is held back before its first content, so a target that fails early can be replaced unseen.")]
    public StreamHoldConfig StreamHold { get; init; } = new();

    [Description("Exact-match response cache for this route; off unless set.")]
    public CacheConfig? Cache { get; init; }

    [Description("Output tokens a request without max_tokens is reserved for under a budget. Default budgets.assumed_max_tokens.")]
    public int? DefaultMaxTokens { get; init; }
}

public sealed record TargetConfig
{
    [Description("Name of a provider.")]
    public string Provider { get; init; } = "";

    [Description("Model name sent to that provider.")]
    public string Model { get; init; } = "";

    [Description("Share of traffic under the weighted strategy. Default 1.")]
    public int Weight { get; init; } = 1;

    [Description("Most requests in flight to this target at once; more wait briefly, then go to the next target.")]
    public int? MaxConcurrent { get; init; }

    [Description("Most requests per minute to this target; more wait briefly, then go to the next target.")]
    public int? Rpm { get; init; }

    [Description("How long a request waits for room under max_concurrent or rpm before trying the next target. Default 250ms.")]
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromMilliseconds(250);
}

public sealed record RetryConfig
{
    [Description("Rounds over the targets in all (1 means no retry). Default 2.")]
    public int Attempts { get; init; } = 2;

    [Description("Wait before the first retry; doubles each round, with full jitter. Default 250ms.")]
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(250);

    [Description("Longest wait between rounds, Retry-After included. Default 30s.")]
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    [Description("Upstream statuses worth retrying. Default 408, 409, 429, 500, 502, 503, 504, 529.")]
    public IReadOnlyList<int> OnStatus { get; init; } = [408, 409, 429, 500, 502, 503, 504, 529];

    [Description("Failures without a status worth retrying: timeout, refused, malformed. Default all three.")]
    public IReadOnlyList<string> OnError { get; init; } = [RetryErrors.Timeout, RetryErrors.Refused, RetryErrors.Malformed];
}

public sealed record TimeoutsConfig
{
    [Description("Connecting to the provider. Default: the provider's connect_timeout.")]
    public TimeSpan? Connect { get; init; }

    [Description("From sending the request to the response headers. Default: the provider's timeout.")]
    public TimeSpan? FirstByte { get; init; }

    [Description("One attempt from start to the end of the answer, stream included. Default: no limit.")]
    public TimeSpan? Total { get; init; }
}

public sealed record StreamHoldConfig
{
    [Description("Most events held back. Default 32.")]
    public int Chunks { get; init; } = 32;

    [Description("Most bytes held back. Default 64 KiB.")]
    public int Bytes { get; init; } = 64 * 1024;

    [Description("Longest hold; then the stream goes to the client as it is. Default 5s.")]
    public TimeSpan Time { get; init; } = TimeSpan.FromSeconds(5);
}

public sealed record CacheConfig
{
    [Description("How long an answer is served from the cache. Default 1h.")]
    public TimeSpan Ttl { get; init; } = TimeSpan.FromHours(1);

    [Description("Most answers kept for this route; the oldest go first. Default 10000.")]
    public int MaxEntries { get; init; } = 10_000;

    [Description("Most bytes kept for this route. Default 64 MiB.")]
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    [Description("Largest single answer stored. Default 1 MiB.")]
    public int MaxEntryBytes { get; init; } = 1024 * 1024;
}

public static class RouteStrategies
{
    public const string Priority = "priority";
    public const string Weighted = "weighted";
    public const string Latency = "latency";
    public const string Cost = "cost";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Priority, Weighted, Latency, Cost };
}

public static class RetryErrors
{
    public const string Timeout = "timeout";
    public const string Refused = "refused";
    public const string Malformed = "malformed";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Timeout, Refused, Malformed };
}
