using System.Text.Json.Serialization;

namespace Holdfast.Server.Usage;

/// <summary>How a usage report groups its rows.</summary>
public enum ReportGrouping
{
    Hour,
    Day,
    Month,
    Key,
    Route,
    Provider,
    Model,
    Workflow,
}

/// <summary>One row of a usage report. Latency percentiles are read from the aggregates' histograms.</summary>
public sealed record UsageReportRow(
    string Group,
    long Requests,
    long Errors,
    double ErrorRate,
    long PromptTokens,
    long CompletionTokens,
    long CachedTokens,
    long CacheWriteTokens,
    long TotalTokens,
    decimal CostUsd,
    long UnknownCostRequests,
    double? LatencyP50Ms,
    double? LatencyP95Ms,
    decimal? ServerCost,
    decimal TotalCostUsd);

/// <summary>
/// A usage report. <see cref="ServerCost"/> is the machine's price over the report's time range,
/// shared among rows by time (time groups) or by requests (other groups); it is part of
/// <see cref="UsageReportRow.TotalCostUsd"/> when its currency is USD.
/// </summary>
public sealed record UsageReport(
    string GroupBy,
    DateTimeOffset From,
    DateTimeOffset To,
    string TimeZone,
    IReadOnlyList<UsageReportRow> Data,
    UsageReportRow Total,
    ServerCostSummary? ServerCost);

public sealed record ServerCostSummary(decimal PerHour, string Currency, double Hours, decimal Total, decimal? PerRequest);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UsageReport))]
public sealed partial class UsageReportJson : JsonSerializerContext;
