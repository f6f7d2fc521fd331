using System.Text.Json;
using Holdfast.Core.Configuration;
using Holdfast.Core.Ids;
using Holdfast.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// Announces thresholds: claims each (budget, window, threshold) in the store, so it is announced
/// once even across restarts and nodes; the claim writes the log line and is the webhook's outbox
/// row. Deliveries that fail are retried with backoff, for up to <see cref="MaxAttempts"/> attempts.
/// </summary>
public sealed partial class BudgetAlertService(
    BudgetAlertQueue queue, IStore store, ConfigHolder config, BudgetWebhookSender sender, TimeProvider time, ILogger<BudgetAlertService> logger)
    : BackgroundService
{
    public const int MaxAttempts = 8;
    private static readonly TimeSpan RetryPoll = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var announce = AnnounceLoopAsync(stoppingToken);
        var retry = RetryLoopAsync(stoppingToken);
        await Task.WhenAll(announce, retry);
    }

    private async Task AnnounceLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var threshold in queue.Reader.ReadAllAsync(cancellationToken))
            {
                try
                {
                    await AnnounceAsync(threshold, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogAnnounceFailed(logger, threshold.Budget.Scope, threshold.ThresholdPercent, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task AnnounceAsync(BudgetThresholdEvent threshold, CancellationToken cancellationToken)
    {
        var budget = threshold.Budget;
        var payload = new BudgetAlertPayload(BudgetAlertPayload.ThresholdType, threshold.At, new BudgetAlertData(
            budget.Scope, budget.Name, threshold.ThresholdPercent, budget.Limit.AmountUsd, budget.Limit.Window.ToString().ToLowerInvariant(),
            budget.SpentUsd, budget.PeriodStart, budget.ResetsAt));
        var alert = new BudgetAlertRecord(Ids.New("bal", threshold.At), budget.Scope, budget.PeriodStart, threshold.ThresholdPercent,
            threshold.At, JsonSerializer.Serialize(payload, BudgetAlertJson.Default.BudgetAlertPayload));
        if (!await store.Budgets.AddAlertAsync(alert, cancellationToken))
            return;
        LogThreshold(logger, budget.Scope, budget.Name ?? "", threshold.ThresholdPercent, budget.SpentUsd, budget.Limit.ToString(),
            budget.ResetsAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never");
        await DeliverAsync(alert, cancellationToken);
    }

    private async Task RetryLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RetryPoll, time);
        try
        {
            do
            {
                try
                {
                    foreach (var alert in await store.Budgets.DueAlertsAsync(time.GetUtcNow(), 100, cancellationToken))
                        await DeliverAsync(alert, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRetryFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task DeliverAsync(BudgetAlertRecord alert, CancellationToken cancellationToken)
    {
        if (config.Current.Config.Budgets.Webhook is not { Url: not null, Secret: not null } webhook)
        {
            await store.Budgets.MarkDeliveredAsync(alert.Id, time.GetUtcNow(), cancellationToken);
            return;
        }
        var error = await sender.SendAsync(webhook, alert, cancellationToken);
        if (error is null)
        {
            await store.Budgets.MarkDeliveredAsync(alert.Id, time.GetUtcNow(), cancellationToken);
            return;
        }
        var attempt = alert.Attempts + 1;
        DateTimeOffset? next = attempt >= MaxAttempts ? null : time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(3, attempt - 1)));
        LogDeliveryFailed(logger, alert.Id, alert.Scope, attempt, error);
        await store.Budgets.MarkFailedAsync(alert.Id, error, next, cancellationToken);
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning,
        Message = "Budget {Budget} {Name} reached {Threshold}% of its limit: {SpentUsd} USD spent of {Limit}; resets {ResetsAt}")]
    private static partial void LogThreshold(ILogger logger, string budget, string name, int threshold, decimal spentUsd, string limit, string resetsAt);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Budget alert {AlertId} for {Budget}: webhook attempt {Attempt} failed: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string alertId, string budget, int attempt, string error);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "Budget {Budget}: could not record the {Threshold}% alert")]
    private static partial void LogAnnounceFailed(ILogger logger, string budget, int threshold, Exception exception);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Could not read due budget alerts from the store")]
    private static partial void LogRetryFailed(ILogger logger, Exception exception);
}
