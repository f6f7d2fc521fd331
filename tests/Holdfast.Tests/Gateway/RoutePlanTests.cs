using Holdfast.Core.Configuration;
using Holdfast.Core.Routing;
using Holdfast.Gateway.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Holdfast.Tests.Gateway;

/// <summary>The order each strategy tries a route's targets in, and that open circuits are left out by all of them.</summary>
public sealed class RoutePlanTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

    private (RoutePlan Plan, TargetRegistry Registry) Plan(string strategy, params (string Provider, string Model, int Weight)[] targets)
    {
        var config = new HoldfastConfig
        {
            Providers = targets.Select(t => t.Provider).Distinct().Select(p => new ProviderConfig { Name = p, BaseUrl = new Uri("http://x/v1") }).ToList(),
            Routes =
            [
                new RouteConfig
                {
                    Name = "r",
                    Strategy = strategy,
                    Targets = targets.Select(t => new TargetConfig { Provider = t.Provider, Model = t.Model, Weight = t.Weight }).ToList(),
                },
            ],
            Prices = new Dictionary<string, ModelPrice>
            {
                ["gold"] = new() { Input = 10, Output = 30 },
                ["silver"] = new() { Input = 1, Output = 3 },
                ["bronze"] = new() { Input = 0.1m, Output = 0.3m },
            },
        };
        var holder = new ConfigHolder(new ConfigSnapshot(config));
        var registry = new TargetRegistry(holder, _time);
        holder.Current.Routes.TryGet("r", out var route);
        return (registry.PlanFor(route), registry);
    }

    private int[] Order(RoutePlan plan)
    {
        var order = new int[plan.Health.Length];
        var count = plan.Order(order, _time.GetUtcNow().ToUnixTimeMilliseconds());
        return order[..count];
    }

    private void Open(TargetHealth health)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < 5; i++)
            health.RecordFailure(now, "down", new CircuitBreakerConfig());
    }

    [Fact]
    public void Priority_KeepsTheConfiguredOrder_WithoutOpenTargets()
    {
        var (plan, _) = Plan(RouteStrategies.Priority, ("a", "gold", 1), ("b", "silver", 1), ("c", "bronze", 1));
        Assert.Equal([0, 1, 2], Order(plan));

        Open(plan.Health[0]);

        Assert.Equal([1, 2], Order(plan));
    }

    [Fact]
    public void Cost_PutsTheCheapestHealthyTargetFirst_ThenTheRestInOrder()
    {
        var (plan, _) = Plan(RouteStrategies.Cost, ("a", "gold", 1), ("b", "silver", 1), ("c", "bronze", 1), ("d", "unpriced", 1));
        Assert.Equal([2, 0, 1, 3], Order(plan));

        Open(plan.Health[2]);

        Assert.Equal([1, 0, 3], Order(plan));
    }

    [Fact]
    public void Latency_PutsAnUnmeasuredTargetFirst_ThenTheFastest()
    {
        var (plan, _) = Plan(RouteStrategies.Latency, ("a", "gold", 1), ("b", "silver", 1), ("c", "bronze", 1));
        plan.Health[0].RecordSuccess(TimeSpan.FromMilliseconds(300));
        plan.Health[2].RecordSuccess(TimeSpan.FromMilliseconds(20));
        Assert.Equal([1, 0, 2], Order(plan));

        plan.Health[1].RecordSuccess(TimeSpan.FromMilliseconds(90));
        Assert.Equal([2, 0, 1], Order(plan));

        Open(plan.Health[2]);
        Assert.Equal([1, 0], Order(plan));
    }

    [Fact]
    public void Latency_IsAWeightedAverage_SoOneSlowAnswerDoesNotFlipIt()
    {
        var (plan, _) = Plan(RouteStrategies.Latency, ("a", "gold", 1), ("b", "silver", 1));
        for (var i = 0; i < 10; i++)
        {
            plan.Health[0].RecordSuccess(TimeSpan.FromMilliseconds(50));
            plan.Health[1].RecordSuccess(TimeSpan.FromMilliseconds(100));
        }
        plan.Health[0].RecordSuccess(TimeSpan.FromMilliseconds(200));

        Assert.Equal(80, plan.Health[0].LatencyMs, precision: 6);
        Assert.Equal([0, 1], Order(plan));
    }

    [Fact]
    public void Weighted_PicksTheFirstTargetInProportionToTheWeights()
    {
        var (plan, _) = Plan(RouteStrategies.Weighted, ("a", "gold", 1), ("b", "silver", 3), ("c", "bronze", 0));
        var firsts = new int[3];
        for (var i = 0; i < 4000; i++)
            firsts[Order(plan)[0]]++;

        Assert.Equal(0, firsts[2]);
        Assert.InRange(firsts[1] / (double)firsts[0], 2.4, 3.8);
        Assert.Equal(3, Order(plan).Length);
    }

    [Fact]
    public void Weighted_WithTheHeavyTargetOpen_SendsEverythingElsewhere()
    {
        var (plan, _) = Plan(RouteStrategies.Weighted, ("a", "gold", 1), ("b", "silver", 100));
        Open(plan.Health[1]);
        for (var i = 0; i < 50; i++)
            Assert.Equal([0], Order(plan));
    }

    [Fact]
    public void TheSameTargetInTwoRoutes_SharesItsHealth()
    {
        var (plan, registry) = Plan(RouteStrategies.Priority, ("a", "gold", 1));
        var again = registry.HealthOf(new Target(new ProviderConfig { Name = "a" }, "gold"));
        Assert.Same(plan.Health[0], again);
    }
}
