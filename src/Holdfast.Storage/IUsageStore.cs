using Holdfast.Core.Budgets;
using Holdfast.Core.Usage;

namespace Holdfast.Storage;

/// <summary>
/// The usage log and its aggregates. Every append also adds the records to quarter-hour aggregates
/// (per key, route, provider, model and workflow) in the same transaction, so reports and budgets
/// read the aggregates and never scan the log, and retention can delete raw records without
/// changing any total.
/// </summary>
public interface IUsageStore
{
    /// <summary>Appends records and adds them to the aggregates, in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);

    /// <summary>Sums of the aggregates matching the filter, grouped by a dimension and/or by quarter-hour.</summary>
    Task<IReadOnlyList<UsageAggregateRow>> AggregateAsync(UsageAggregateQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageRecord>> ListAsync(UsageListQuery query, CancellationToken cancellationToken);

    /// <summary>What a budget's scope has spent since <paramref name="from"/> (a quarter-hour boundary), in nano-dollars.</summary>
    Task<long> SpentNanosAsync(BudgetScope scope, DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes raw records older than <paramref name="retention"/> (whole day partitions on PostgreSQL,
    /// which also gets the coming days' partitions created). Aggregates are kept.
    /// </summary>
    /// <returns>Raw records (SQLite) or partitions (PostgreSQL) removed.</returns>
    Task<long> ApplyRetentionAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken);
}

/// <summary>What aggregates can be grouped by besides time.</summary>
public enum UsageDimension
{
    Key,
    Route,
    Provider,
    Model,
    Workflow,
}

/// <summary>Filters on aggregates; <see cref="From"/> and <see cref="To"/> select the quarter-hours that start in [from, to).</summary>
public sealed record UsageFilter(
    string? KeyId = null, string? Route = null, string? Provider = null, string? Model = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record UsageAggregateQuery(UsageFilter Filter, UsageDimension? GroupBy = null, bool ByQuarterHour = false);

/// <param name="BucketStart">The quarter-hour, when grouped by time.</param>
/// <param name="Group">The dimension's value ('' when absent), when grouped by one.</param>
public sealed record UsageAggregateRow(DateTimeOffset? BucketStart, string? Group, UsageSums Sums);

public sealed record UsageListQuery(int Limit = 100, string? KeyId = null, string? Route = null);

/// <summary>Aggregates are kept per quarter-hour: every time zone's midnight falls on one.</summary>
public static class UsageBuckets
{
    public static long StartMillis(long unixMillis) => unixMillis - ((unixMillis % 900_000) + 900_000) % 900_000;
}
