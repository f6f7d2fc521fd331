namespace Holdfast.Core.Usage;

/// <summary>One metered call. Written once, never changed: the usage log is append-only.</summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public string? KeyId { get; init; }

    /// <summary>chat, embeddings, …</summary>
    public required string Endpoint { get; init; }

    public string? Route { get; init; }
    public string? Provider { get; init; }

    /// <summary>The upstream model name the call went to.</summary>
    public string? Model { get; init; }

    /// <summary>HTTP status the client received.</summary>
    public int Status { get; init; }

    public UsageOutcome Outcome { get; init; }
    public bool Stream { get; init; }
    public TimeSpan Latency { get; init; }

    /// <summary>Time until the first byte of the answer arrived from the upstream.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    public TokenCounts Tokens { get; init; }

    /// <summary>Cost in USD (whole nano-dollars), or null when the call used something no price is known for.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>The workflow whose run made the call, for calls from inside Holdfast.</summary>
    public string? Workflow { get; init; }

    /// <summary>The workflow run that made the call.</summary>
    public string? RunId { get; init; }

    /// <summary>Upstream attempts made (1 when the first target answered).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Answered from a response cache: a success that took no upstream attempt, at no upstream cost.</summary>
    public bool CacheHit => Outcome == UsageOutcome.Success && Attempts == 0;

    /// <summary>A short description of what went wrong, never containing secrets.</summary>
    public string? Error { get; init; }
}

public enum UsageOutcome
{
    Success = 0,
    UpstreamError = 1,
    GatewayError = 2,
    ClientClosed = 3,
    StreamInterrupted = 4,
    Rejected = 5,
}

/// <summary>
/// Token counts in OpenAI's terms: prompt tokens include those read from the provider's prompt cache
/// (<paramref name="CachedPrompt"/>) and those written to it (<paramref name="CacheWritePrompt"/>).
/// </summary>
public readonly record struct TokenCounts(long Prompt, long Completion, long CachedPrompt = 0, bool Estimated = false, long CacheWritePrompt = 0)
{
    public long Total => Prompt + Completion;
}
