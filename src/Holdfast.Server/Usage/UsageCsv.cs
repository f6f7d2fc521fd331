using System.Globalization;
using System.Text;

namespace Holdfast.Server.Usage;

/// <summary>A usage report as CSV (RFC 4180), one line per row and a final total line.</summary>
public static class UsageCsv
{
    private const string Header =
        "group,requests,errors,error_rate,prompt_tokens,completion_tokens,cached_tokens,cache_write_tokens,total_tokens," +
        "cost_usd,unknown_cost_requests,latency_p50_ms,latency_p95_ms,server_cost,total_cost_usd";

    public static string Write(UsageReport report)
    {
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var row in report.Data.Append(report.Total))
        {
            csv.Append(Quote(row.Group));
            foreach (var value in new object?[]
                     {
                         row.Requests, row.Errors, row.ErrorRate, row.PromptTokens, row.CompletionTokens, row.CachedTokens,
                         row.CacheWriteTokens, row.TotalTokens, row.CostUsd, row.UnknownCostRequests, row.LatencyP50Ms,
                         row.LatencyP95Ms, row.ServerCost, row.TotalCostUsd,
                     })
                csv.Append(',').Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            csv.Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
