using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Holdfast.Core.Configuration;
using Holdfast.Core.Routing;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// The health of every target, by <c>provider/model</c>, kept across config reloads, and the
/// <see cref="RoutePlan"/> of each route object, built once per configuration.
/// </summary>
public sealed class TargetRegistry(ConfigHolder config, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TargetHealth> _health = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<Route, RoutePlan> _plans = new();

    public TimeProvider Time => time;

    public RoutePlan PlanFor(Route route) =>
        _plans.TryGetValue(route, out var plan) ? plan : _plans.GetValue(route, r => new RoutePlan(r, this, config.Current.Prices, time));

    public TargetHealth HealthOf(Target target) =>
        _health.GetOrAdd(target.Id, static (id, t) => new TargetHealth(id, t), time);

    /// <summary>Every target the current configuration names, with its health, in route order.</summary>
    public IReadOnlyList<(Target Target, TargetHealth Health, IReadOnlyList<string> Routes)> Snapshot()
    {
        var seen = new Dictionary<string, (Target, TargetHealth, List<string>)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var route in config.Current.Routes.All)
        {
            foreach (var target in route.Targets)
            {
                if (!seen.TryGetValue(target.Id, out var entry))
                {
                    entry = (target, HealthOf(target), []);
                    seen[target.Id] = entry;
                    order.Add(target.Id);
                }
                entry.Item3.Add(route.Name);
            }
        }
        return order.ConvertAll(id => ((Target, TargetHealth, IReadOnlyList<string>))seen[id]);
    }
}
