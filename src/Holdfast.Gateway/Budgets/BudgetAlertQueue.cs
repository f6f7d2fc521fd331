using System.Threading.Channels;

namespace Holdfast.Gateway.Budgets;

/// <summary>A budget's spending reached one of its soft thresholds.</summary>
public sealed record BudgetThresholdEvent(BudgetStatus Budget, int ThresholdPercent, DateTimeOffset At);

/// <summary>Threshold events on their way from the request path to <see cref="BudgetAlertService"/>. Bounded; a full queue drops (the store keeps each announcement unique anyway).</summary>
public sealed class BudgetAlertQueue
{
    private readonly Channel<BudgetThresholdEvent> _channel = Channel.CreateBounded<BudgetThresholdEvent>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public ChannelReader<BudgetThresholdEvent> Reader => _channel.Reader;

    public void Announce(BudgetThresholdEvent threshold) => _channel.Writer.TryWrite(threshold);
}
