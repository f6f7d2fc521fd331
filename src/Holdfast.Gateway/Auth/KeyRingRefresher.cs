using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Auth;

/// <summary>Polls the store's key version so keys created or revoked elsewhere (CLI, other nodes) apply within a second.</summary>
public sealed partial class KeyRingRefresher(KeyRing keys, TimeProvider time, ILogger<KeyRingRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RefreshAsync(force: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Could not refresh keys from the store; keeping the ones loaded")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
