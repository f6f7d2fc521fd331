using Holdfast.Core.Pricing;

namespace Holdfast.Core.Usage;

/// <summary>Totals over a set of usage records, as kept per quarter-hour in the aggregates. Adding is exact.</summary>
public sealed class UsageSums
{
    public long Requests { get; set; }
    public long Errors { get; set; }

    /// <summary>Calls whose cost is unknown (no price): they are not in <see cref="CostNanos"/>.</summary>
    public long UnknownCost { get; set; }

    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
    public long CachedTokens { get; set; }
    public long CacheWriteTokens { get; set; }
    public long CostNanos { get; set; }
    public long LatencyMicros { get; set; }
    public long[] Latency { get; } = new long[LatencyHistogram.BucketCount];

    public decimal CostUsd => Usd.FromNanos(CostNanos);

    public void Add(UsageRecord record)
    {
        Requests++;
        if (record.Outcome != UsageOutcome.Success)
            Errors++;
        if (record.CostUsd is { } cost)
            CostNanos += Usd.ToNanos(cost);
        else
            UnknownCost++;
        PromptTokens += record.Tokens.Prompt;
        CompletionTokens += record.Tokens.Completion;
        CachedTokens += record.Tokens.CachedPrompt;
        CacheWriteTokens += record.Tokens.CacheWritePrompt;
        LatencyMicros += record.Latency.Ticks / 10;
        Latency[LatencyHistogram.BucketOf(record.Latency)]++;
    }

    public void Add(UsageSums other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        UnknownCost += other.UnknownCost;
        PromptTokens += other.PromptTokens;
        CompletionTokens += other.CompletionTokens;
        CachedTokens += other.CachedTokens;
        CacheWriteTokens += other.CacheWriteTokens;
        CostNanos += other.CostNanos;
        LatencyMicros += other.LatencyMicros;
        for (var i = 0; i < Latency.Length; i++)
            Latency[i] += other.Latency[i];
    }
}
