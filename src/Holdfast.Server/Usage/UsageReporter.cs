using System.Globalization;
using Holdfast.Core.Configuration;
using Holdfast.Core.Usage;
using Holdfast.Storage;

namespace Holdfast.Server.Usage;

/// <summary>Builds usage reports from the aggregates only (never the raw log), for the admin API and the CLI alike.</summary>
public sealed class UsageReporter(IStore store, TimeProvider time)
{
    public async Task<UsageReport> BuildAsync(ConfigSnapshot snapshot, ReportGrouping grouping, UsageFilter filter, CancellationToken cancellationToken)
    {
        var zone = snapshot.TimeZone;
        var byTime = grouping is ReportGrouping.Hour or ReportGrouping.Day or ReportGrouping.Month;
        var rows = await store.Usage.AggregateAsync(
            new UsageAggregateQuery(filter, byTime ? null : Dimension(grouping), ByQuarterHour: byTime), cancellationToken);

        var to = filter.To ?? time.GetUtcNow();
        var from = filter.From ?? (byTime && rows.Count > 0 ? rows[0].BucketStart : null) ?? await FirstBucketAsync(filter, cancellationToken) ?? to;
        var groups = new SortedDictionary<string, (UsageSums Sums, DateTimeOffset Start, DateTimeOffset End)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var (label, start, end) = byTime ? Period(grouping, row.BucketStart!.Value, zone) : (row.Group ?? "", from, to);
            if (!groups.TryGetValue(label, out var group))
                groups[label] = group = (new UsageSums(), start, end);
            group.Sums.Add(row.Sums);
        }

        var total = new UsageSums();
        foreach (var group in groups.Values)
            total.Add(group.Sums);
        var serverCost = snapshot.Config.ServerCost;
        var hours = Math.Max(0, (to - from).TotalHours);
        var serverTotal = serverCost is null ? 0 : decimal.Round(serverCost.PerHour * (decimal)hours, 6);
        var usd = serverCost?.Currency == "USD";

        var data = groups.Select(g =>
        {
            decimal? share = serverCost is null ? null
                : byTime ? decimal.Round(serverCost.PerHour * (decimal)Overlap(g.Value.Start, g.Value.End, from, to), 6)
                : total.Requests == 0 ? 0 : decimal.Round(serverTotal * g.Value.Sums.Requests / total.Requests, 6);
            return Row(g.Key, g.Value.Sums, share, usd);
        }).ToList();
        var summary = serverCost is null ? null
            : new ServerCostSummary(serverCost.PerHour, serverCost.Currency, Math.Round(hours, 3), serverTotal,
                total.Requests == 0 ? null : decimal.Round(serverTotal / total.Requests, 9));
        return new UsageReport(grouping.ToString().ToLowerInvariant(), from, to, zone.Id, data,
            Row("total", total, serverCost is null ? null : serverTotal, usd), summary);
    }

    private async Task<DateTimeOffset?> FirstBucketAsync(UsageFilter filter, CancellationToken cancellationToken)
    {
        var buckets = await store.Usage.AggregateAsync(new UsageAggregateQuery(filter, ByQuarterHour: true), cancellationToken);
        return buckets.Count == 0 ? null : buckets[0].BucketStart;
    }

    private static UsageReportRow Row(string group, UsageSums sums, decimal? serverCost, bool serverCostInUsd) => new(
        group, sums.Requests, sums.Errors, sums.Requests == 0 ? 0 : Math.Round((double)sums.Errors / sums.Requests, 4),
        sums.PromptTokens, sums.CompletionTokens, sums.CachedTokens, sums.CacheWriteTokens, sums.PromptTokens + sums.CompletionTokens,
        sums.CostUsd, sums.UnknownCost,
        Milliseconds(LatencyHistogram.Percentile(sums.Latency, 0.50)), Milliseconds(LatencyHistogram.Percentile(sums.Latency, 0.95)),
        serverCost, sums.CostUsd + (serverCostInUsd ? serverCost ?? 0 : 0));

    private static double? Milliseconds(TimeSpan? value) => value is { } v ? Math.Round(v.TotalMilliseconds, 1) : null;

    private static double Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to)
    {
        var a = start > from ? start : from;
        var b = end < to ? end : to;
        return b > a ? (b - a).TotalHours : 0;
    }

    /// <summary>The local hour, day or month a quarter-hour falls in, as a label and its bounds.</summary>
    private static (string Label, DateTimeOffset Start, DateTimeOffset End) Period(ReportGrouping grouping, DateTimeOffset bucket, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(bucket, zone);
        var (startLocal, endLocal, format) = grouping switch
        {
            ReportGrouping.Hour => (Trim(local, TimeSpan.TicksPerHour), Trim(local, TimeSpan.TicksPerHour).AddHours(1), "yyyy-MM-dd'T'HH:00"),
            ReportGrouping.Day => (local.Date, local.Date.AddDays(1), "yyyy-MM-dd"),
            _ => (new DateTime(local.Year, local.Month, 1), new DateTime(local.Year, local.Month, 1).AddMonths(1), "yyyy-MM"),
        };
        return (startLocal.ToString(format, CultureInfo.InvariantCulture), Instant(startLocal, zone), Instant(endLocal, zone));
    }

    private static DateTime Trim(DateTimeOffset local, long ticks) => new(local.DateTime.Ticks - local.DateTime.Ticks % ticks, DateTimeKind.Unspecified);

    private static DateTimeOffset Instant(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return zone.IsInvalidTime(unspecified) ? new DateTimeOffset(unspecified.AddHours(1), zone.GetUtcOffset(unspecified.AddHours(1)))
            : new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    private static UsageDimension Dimension(ReportGrouping grouping) => grouping switch
    {
        ReportGrouping.Key => UsageDimension.Key,
        ReportGrouping.Route => UsageDimension.Route,
        ReportGrouping.Provider => UsageDimension.Provider,
        ReportGrouping.Model => UsageDimension.Model,
        _ => UsageDimension.Workflow,
    };
}
