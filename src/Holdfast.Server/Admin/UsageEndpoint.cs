using System.Globalization;
using Holdfast.Core.Configuration;
using Holdfast.Gateway.Errors;
using Holdfast.Server.Usage;
using Holdfast.Storage;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Server.Admin;

/// <summary>
/// <c>GET /admin/usage?group_by=&amp;key=&amp;route=&amp;provider=&amp;model=&amp;from=&amp;to=&amp;format=json|csv</c>:
/// requests, tokens, cost, error rate and latency from the aggregates.
/// </summary>
public static class UsageEndpoint
{
    public const string Groupings = "hour, day, month, key, route, provider, model, workflow";

    public static async Task<IResult> HandleAsync(HttpRequest request, UsageReporter reporter, ConfigHolder config, CancellationToken cancellationToken)
    {
        var groupBy = request.Query["group_by"].ToString();
        if (groupBy.Length == 0)
            groupBy = "key";
        if (!TryGrouping(groupBy, out var grouping))
            return AdminEndpoints.Error(GatewayError.InvalidRequest($"group_by must be one of: {Groupings}.", "group_by"));
        if (!TryInstant(request, "from", out var from, out var error) || !TryInstant(request, "to", out var to, out error))
            return AdminEndpoints.Error(error!);
        var format = request.Query["format"].ToString();
        if (format.Length > 0 && format != "json" && format != "csv")
            return AdminEndpoints.Error(GatewayError.InvalidRequest("format must be json or csv.", "format"));

        var filter = new UsageFilter(Text(request, "key"), Text(request, "route"), Text(request, "provider"), Text(request, "model"), from, to);
        var report = await reporter.BuildAsync(config.Current, grouping, filter, cancellationToken);
        return format == "csv"
            ? Results.Text(UsageCsv.Write(report), "text/csv; charset=utf-8")
            : Results.Json(report, UsageReportJson.Default.UsageReport);
    }

    public static bool TryGrouping(string text, out ReportGrouping grouping) =>
        Enum.TryParse(text, ignoreCase: true, out grouping) && Enum.IsDefined(grouping) && !int.TryParse(text, out _);

    private static string? Text(HttpRequest request, string name) =>
        request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    private static bool TryInstant(HttpRequest request, string name, out DateTimeOffset? value, out GatewayError? error)
    {
        value = null;
        error = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
            return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed;
            return true;
        }
        error = GatewayError.InvalidRequest($"'{name}' must be a date or an ISO 8601 time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z.", name);
        return false;
    }
}
