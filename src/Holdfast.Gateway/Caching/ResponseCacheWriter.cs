using Holdfast.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Caching;

/// <summary>Writes offered answers to the store and keeps each route's cache within its bounds.</summary>
public sealed partial class ResponseCacheWriter(ExactResponseCache cache, IStore store, TimeProvider time, ILogger<ResponseCacheWriter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = cache.Pending;
        var touched = new Dictionary<string, ExactResponseCache.PendingEntry>(StringComparer.Ordinal);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                touched.Clear();
                while (reader.TryRead(out var pending))
                {
                    try
                    {
                        await store.ResponseCache.PutAsync(pending.Entry, stoppingToken);
                        touched[pending.Entry.Route] = pending;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogWriteFailed(logger, pending.Entry.Route, e);
                    }
                }
                foreach (var (route, last) in touched)
                {
                    try
                    {
                        await store.ResponseCache.TrimAsync(route, time.GetUtcNow(), last.MaxEntries, last.MaxBytes, stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        LogWriteFailed(logger, route, e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: answers not yet stored are simply not cached.
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Could not store a cached answer for route {Route}")]
    private static partial void LogWriteFailed(ILogger logger, string route, Exception exception);
}
