namespace Holdfast.Gateway.Routing;

/// <summary>
/// What the gateway has seen of one target, kept in memory: its circuit, an exponentially weighted
/// average of its latency (time to first token for streams, to the whole answer otherwise) and of
/// its error rate, and counters. Updates are lock-free; an average that loses a concurrent update
/// is still an average.
/// </summary>
public sealed class TargetHealth(string id, TimeProvider time)
{
    private const double Alpha = 0.2;

    private double _latencyMs = double.NaN;
    private double _errorRate;
    private long _requests;
    private long _failures;
    private long _lastFailureAt;
    private string? _lastError;

    public string Id { get; } = id;

    public CircuitBreaker Breaker { get; } = new();

    public TargetLimiter Limiter { get; } = new(time);

    /// <summary>Average latency in ms, or NaN before the first success.</summary>
    public double LatencyMs => Volatile.Read(ref _latencyMs);

    public double ErrorRate => Volatile.Read(ref _errorRate);

    public long Requests => Interlocked.Read(ref _requests);

    public long Failures => Interlocked.Read(ref _failures);

    public DateTimeOffset? LastFailureAt =>
        Interlocked.Read(ref _lastFailureAt) is var at and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;

    public string? LastError => Volatile.Read(ref _lastError);

    public void RecordSuccess(TimeSpan latency)
    {
        Interlocked.Increment(ref _requests);
        var previous = Volatile.Read(ref _latencyMs);
        var sample = latency.TotalMilliseconds;
        Volatile.Write(ref _latencyMs, double.IsNaN(previous) ? sample : previous + (Alpha * (sample - previous)));
        Volatile.Write(ref _errorRate, Volatile.Read(ref _errorRate) * (1 - Alpha));
        Breaker.OnSuccess();
    }

    public void RecordFailure(long now, string error, Core.Configuration.CircuitBreakerConfig breaker)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _failures);
        Volatile.Write(ref _errorRate, Volatile.Read(ref _errorRate) * (1 - Alpha) + Alpha);
        Volatile.Write(ref _lastFailureAt, now);
        Volatile.Write(ref _lastError, error);
        Breaker.OnFailure(now, breaker);
    }
}
