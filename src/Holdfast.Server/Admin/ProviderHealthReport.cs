using Holdfast.Gateway.Routing;

namespace Holdfast.Server.Admin;

/// <summary><c>GET /admin/providers</c>: every target of the current configuration, as the gateway has seen it.</summary>
public static class ProviderHealthReport
{
    public static ProviderHealthList Build(TargetRegistry registry)
    {
        var now = registry.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = new List<TargetHealthView>();
        foreach (var (target, health, routes) in registry.Snapshot())
        {
            var circuit = health.Breaker.StateAt(now);
            var latency = health.LatencyMs;
            rows.Add(new TargetHealthView(
                target.Id,
                target.Provider.Name,
                target.Model,
                routes,
                Status(circuit, health.ErrorRate),
                circuit switch
                {
                    CircuitState.Open => "open",
                    CircuitState.HalfOpen => "half_open",
                    _ => "closed",
                },
                circuit == CircuitState.Open ? DateTimeOffset.FromUnixTimeMilliseconds(health.Breaker.OpenUntil) : null,
                health.Breaker.OpenedCount,
                double.IsNaN(latency) ? null : Math.Round(latency, 3),
                Math.Round(health.ErrorRate, 4),
                health.Requests,
                health.Failures,
                health.Limiter.InFlight,
                health.LastError,
                health.LastFailureAt));
        }
        return new ProviderHealthList(rows);
    }

    private static string Status(CircuitState circuit, double errorRate) => circuit switch
    {
        CircuitState.Open => "down",
        CircuitState.HalfOpen => "recovering",
        _ => errorRate >= 0.5 ? "degraded" : "healthy",
    };
}

/// <param name="Status">healthy, degraded (half or more of recent calls failed), recovering (half-open) or down (open).</param>
/// <param name="LatencyMs">Weighted recent average time to first token (streams) or to the whole answer; null before the first success.</param>
/// <param name="ErrorRate">Weighted recent share of failed calls, 0 to 1.</param>
public sealed record TargetHealthView(
    string Target,
    string Provider,
    string Model,
    IReadOnlyList<string> Routes,
    string Status,
    string Circuit,
    DateTimeOffset? RetryAt,
    long TimesOpened,
    double? LatencyMs,
    double ErrorRate,
    long Requests,
    long Failures,
    int? InFlight,
    string? LastError,
    DateTimeOffset? LastFailureAt);

public sealed record ProviderHealthList(IReadOnlyList<TargetHealthView> Data);
