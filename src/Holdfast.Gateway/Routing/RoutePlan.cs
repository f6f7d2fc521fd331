using Holdfast.Core.Configuration;
using Holdfast.Core.Pricing;
using Holdfast.Core.Routing;
using Polly;
using Polly.Retry;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// A route made ready for dispatch once per configuration: its targets' health objects, its
/// strategy, which failures it retries, the retry pipeline and each target's timeouts.
/// </summary>
public sealed class RoutePlan
{
    private readonly bool[] _retryStatus = new bool[200];
    private readonly double[] _costs;

    public RoutePlan(Route route, TargetRegistry registry, PriceTable prices, TimeProvider time)
    {
        Route = route;
        var settings = route.Config;
        Health = route.Targets.Select(registry.HealthOf).ToArray();
        Strategy = settings.Strategy;
        foreach (var status in settings.Retry.OnStatus)
        {
            if (status is >= 400 and < 600)
                _retryStatus[status - 400] = true;
        }
        RetryTimeouts = settings.Retry.OnError.Contains(RetryErrors.Timeout);
        RetryRefused = settings.Retry.OnError.Contains(RetryErrors.Refused);
        RetryMalformed = settings.Retry.OnError.Contains(RetryErrors.Malformed);
        MaxBackoff = settings.Retry.MaxBackoff;
        Deadline = settings.Deadline;
        AttemptTotal = settings.Timeouts.Total;
        Timeouts = route.Targets.Select(t => new AttemptTimeouts(
            settings.Timeouts.Connect ?? t.Provider.ConnectTimeout,
            settings.Timeouts.FirstByte ?? t.Provider.Timeout)).ToArray();
        Limited = route.Targets.Select(t => t.Config.MaxConcurrent is not null || t.Config.Rpm is not null).ToArray();
        _costs = route.Targets.Select(t => UnitCost(prices, t)).ToArray();
        if (settings.Retry.Attempts > 1)
        {
            Retry = new ResiliencePipelineBuilder<RoundResult> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<RoundResult>
                {
                    MaxRetryAttempts = settings.Retry.Attempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.Retry.Backoff,
                    MaxDelay = settings.Retry.MaxBackoff,
                    ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result is { Retryable: true }),
                    // Retry-After from the upstream wins over the computed backoff.
                    DelayGenerator = static args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
                })
                .Build();
        }
    }

    public Route Route { get; }

    public string Strategy { get; }

    public TargetHealth[] Health { get; }

    public AttemptTimeouts[] Timeouts { get; }

    public bool[] Limited { get; }

    /// <summary>Null when the route makes one round only.</summary>
    public ResiliencePipeline<RoundResult>? Retry { get; }

    public TimeSpan MaxBackoff { get; }

    public TimeSpan? Deadline { get; }

    public TimeSpan? AttemptTotal { get; }

    public bool RetryTimeouts { get; }

    public bool RetryRefused { get; }

    public bool RetryMalformed { get; }

    public bool IsRetryable(AttemptFailure failure) => failure.Kind switch
    {
        FailureKind.Status => failure.UpstreamStatus is { } s && s is >= 400 and < 600 && _retryStatus[s - 400],
        FailureKind.Timeout => RetryTimeouts,
        FailureKind.Refused => RetryRefused,
        FailureKind.Malformed => RetryMalformed,
        _ => true,
    };

    /// <summary>
    /// Writes the indexes of the targets to try, in order, into <paramref name="order"/> and returns
    /// how many: the strategy picks the first, the others follow in the route's order as fallbacks.
    /// Targets with an open circuit are left out.
    /// </summary>
    public int Order(Span<int> order, long now)
    {
        var count = 0;
        for (var i = 0; i < Health.Length; i++)
        {
            if (Health[i].Breaker.IsAvailable(now))
                order[count++] = i;
        }
        if (count < 2)
            return count;
        var first = Strategy switch
        {
            RouteStrategies.Weighted => PickWeighted(order[..count]),
            RouteStrategies.Latency => PickFastest(order[..count]),
            RouteStrategies.Cost => PickCheapest(order[..count]),
            _ => 0,
        };
        if (first > 0)
        {
            var chosen = order[first];
            order[..first].CopyTo(order[1..]);
            order[0] = chosen;
        }
        return count;
    }

    private int PickWeighted(Span<int> candidates)
    {
        var total = 0;
        foreach (var i in candidates)
            total += Math.Max(0, Route.Targets[i].Config.Weight);
        if (total == 0)
            return 0;
        var roll = Random.Shared.Next(total);
        for (var c = 0; c < candidates.Length; c++)
        {
            roll -= Math.Max(0, Route.Targets[candidates[c]].Config.Weight);
            if (roll < 0)
                return c;
        }
        return 0;
    }

    /// <summary>The target with the lowest average latency; one never measured goes first so it gets measured.</summary>
    private int PickFastest(Span<int> candidates)
    {
        var best = 0;
        var bestLatency = double.MaxValue;
        for (var c = 0; c < candidates.Length; c++)
        {
            var latency = Health[candidates[c]].LatencyMs;
            if (double.IsNaN(latency))
                return c;
            if (latency < bestLatency)
            {
                bestLatency = latency;
                best = c;
            }
        }
        return best;
    }

    /// <summary>The target with the lowest price per million input plus output tokens; unpriced ones come last.</summary>
    private int PickCheapest(Span<int> candidates)
    {
        var best = 0;
        for (var c = 1; c < candidates.Length; c++)
        {
            if (_costs[candidates[c]] < _costs[candidates[best]])
                best = c;
        }
        return best;
    }

    private static double UnitCost(PriceTable prices, Target target)
    {
        var cost = prices.Cost(target.Provider, target.Model, new Core.Usage.TokenCounts(1_000_000, 1_000_000));
        return cost is { } known ? (double)known : double.MaxValue;
    }
}

/// <summary>Timeouts for one attempt on one target.</summary>
public readonly record struct AttemptTimeouts(TimeSpan Connect, TimeSpan FirstByte);

/// <summary>How one round over the targets ended, as the retry pipeline sees it.</summary>
public sealed record RoundResult(bool Retryable, TimeSpan? RetryAfter)
{
    /// <summary>A round after which there is nothing to retry (an answer was delivered, or the client left).</summary>
    public static readonly RoundResult Final = new(false, null);
}
