using Holdfast.Core.Usage;

namespace Holdfast.Gateway.Forwarding;

/// <summary>What happened while an upstream answer was passed to the client.</summary>
public readonly record struct ForwardResult(
    int Status,
    UsageOutcome Outcome,
    TokenCounts Tokens,
    TimeSpan? TimeToFirstToken,
    string? Error = null);
