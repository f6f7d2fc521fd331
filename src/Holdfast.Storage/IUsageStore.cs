using Holdfast.Core.Usage;

namespace Holdfast.Storage;

public interface IUsageStore
{
    /// <summary>Appends records in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageTotals>> SummarizeAsync(UsageQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageRecord>> ListAsync(UsageListQuery query, CancellationToken cancellationToken);
}

public enum UsageGroupBy
{
    Key,
    Route,
    Day,
}

public sealed record UsageQuery(UsageGroupBy GroupBy, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record UsageListQuery(int Limit = 100, string? KeyId = null, string? Route = null);

public sealed record UsageTotals(
    string Group,
    long Requests,
    long Errors,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd,
    long RequestsWithUnknownCost);
