using Holdfast.Core.Usage;
using Holdfast.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Metering;

/// <summary>
/// Writes usage records to the store off the request path, in batches of up to
/// <see cref="MaxBatch"/> per transaction. A failed batch is retried, never dropped. It keeps running
/// while the server drains its last requests and streams, and finishes only after every other
/// service has stopped, so the records of those last requests are written too.
/// </summary>
public sealed partial class UsageWriter(UsageSink sink, IStore store, TimeProvider time, ILogger<UsageWriter> logger) : IHostedLifecycleService, IDisposable
{
    public const int MaxBatch = 1000;

    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called once the web server has finished its last requests: write what is left, then end.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        sink.Complete();
        await using var registration = cancellationToken.Register(_abort.Cancel);
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(logger, sink.Pending);
        }
    }

    public void Dispose() => _abort.Dispose();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<UsageRecord>(MaxBatch);
        while (await sink.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && sink.Reader.TryRead(out var record))
                batch.Add(record);
            await WriteWithRetryAsync(batch, cancellationToken);
        }
    }

    private async Task WriteWithRetryAsync(List<UsageRecord> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await store.Usage.AppendAsync(batch, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWriteFailed(logger, batch.Count, delay.TotalMilliseconds, e);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Writing {Count} usage records failed; retrying in {DelayMs} ms")]
    private static partial void LogWriteFailed(ILogger logger, int count, double delayMs, Exception exception);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Shutdown timed out with {Count} usage records unwritten")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
