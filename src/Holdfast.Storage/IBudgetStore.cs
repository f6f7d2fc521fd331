namespace Holdfast.Storage;

/// <summary>
/// Budget threshold alerts. One row per (budget, window, threshold): adding it is how a node claims
/// the right to announce that threshold, so it is announced once even across restarts and nodes.
/// The row then serves as the delivery outbox for its webhook.
/// </summary>
public interface IBudgetStore
{
    /// <summary>Thresholds already announced for a budget's window.</summary>
    Task<IReadOnlySet<int>> FiredThresholdsAsync(string scope, DateTimeOffset periodStart, CancellationToken cancellationToken);

    /// <returns>True when the alert is new; false when that threshold was already announced for the window.</returns>
    Task<bool> AddAlertAsync(BudgetAlertRecord alert, CancellationToken cancellationToken);

    /// <summary>Undelivered alerts whose next attempt is due, oldest first.</summary>
    Task<IReadOnlyList<BudgetAlertRecord>> DueAlertsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    Task MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; <paramref name="nextAttemptAt"/> null gives up on the alert.</summary>
    Task MarkFailedAsync(string id, string error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken);
}

/// <param name="Payload">The webhook body, JSON.</param>
public sealed record BudgetAlertRecord(
    string Id, string Scope, DateTimeOffset PeriodStart, int Threshold, DateTimeOffset CreatedAt, string Payload,
    int Attempts = 0, DateTimeOffset? DeliveredAt = null, string? LastError = null);
