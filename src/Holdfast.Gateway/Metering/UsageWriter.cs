using Holdfast.Core.Usage;
using Holdfast.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Metering;

/// <summary>
/// Writes usage records to the store off the request path, in batches of up to
/// <see cref="MaxBatch"/> per transaction. A failed batch is retried, never dropped; on shutdown every
/// pending record is written before the store closes.
/// </summary>
public sealed partial class UsageWriter(UsageSink sink, IStore store, TimeProvider time, ILogger<UsageWriter> logger) : BackgroundService
{
    public const int MaxBatch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageRecord>(MaxBatch);
        try
        {
            while (await sink.Reader.WaitToReadAsync(stoppingToken))
            {
                Fill(batch);
                await WriteWithRetryAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var batch = new List<UsageRecord>(MaxBatch);
        while (sink.Pending > 0)
        {
            Fill(batch);
            await WriteWithRetryAsync(batch, cancellationToken);
        }
    }

    private void Fill(List<UsageRecord> batch)
    {
        batch.Clear();
        while (batch.Count < MaxBatch && sink.Reader.TryRead(out var record))
            batch.Add(record);
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
}
