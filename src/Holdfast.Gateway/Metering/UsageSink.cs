using System.Threading.Channels;
using Holdfast.Core.Usage;

namespace Holdfast.Gateway.Metering;

/// <summary>
/// Where requests drop their usage records. Bounded: when the writer falls far behind, requests
/// wait for room rather than records being lost.
/// </summary>
public sealed class UsageSink
{
    public const int Capacity = 65_536;

    private readonly Channel<UsageRecord> _channel = Channel.CreateBounded<UsageRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public ChannelReader<UsageRecord> Reader => _channel.Reader;

    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken) =>
        _channel.Writer.TryWrite(record) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(record, cancellationToken);

    /// <summary>No more records will come: the writer ends once it has written the rest.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Records waiting to be written.</summary>
    public int Pending => _channel.Reader.Count;
}
