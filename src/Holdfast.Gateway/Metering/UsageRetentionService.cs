using Holdfast.Core.Configuration;
using Holdfast.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Metering;

/// <summary>
/// Applies <c>usage.retention</c> at start and every hour: raw usage records past it are deleted
/// (whole day partitions on PostgreSQL, whose coming days' partitions are made here too). Their
/// totals stay in the aggregates, which were updated when they were written.
/// </summary>
public sealed partial class UsageRetentionService(IStore store, ConfigHolder config, TimeProvider time, ILogger<UsageRetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var retention = config.Current.Config.Usage.Retention;
                var removed = await store.Usage.ApplyRetentionAsync(time.GetUtcNow(), retention, stoppingToken);
                if (removed > 0)
                    LogApplied(logger, removed, retention);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information, Message = "Usage retention removed {Removed} raw records or partitions older than {Retention}")]
    private static partial void LogApplied(ILogger logger, long removed, TimeSpan retention);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Usage retention failed; it is tried again within the hour")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
