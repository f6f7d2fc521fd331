using System.Data.Common;

namespace Holdfast.Storage.Sql;

internal sealed class SqlBudgetStore(SqlDatabase database) : IBudgetStore
{
    private const string Columns = "id, scope, period_start, threshold, created_at, payload, attempts, delivered_at, last_error";

    public async Task<IReadOnlySet<int>> FiredThresholdsAsync(string scope, DateTimeOffset periodStart, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command("SELECT threshold FROM budget_alerts WHERE scope = @scope AND period_start = @start")
            .With("@scope", scope).With("@start", Time.ToMillis(periodStart))
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var fired = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            fired.Add((int)reader.Int64(0));
        return fired;
    }

    public Task<bool> AddAlertAsync(BudgetAlertRecord alert, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var added = await connection.Command(
                    $"INSERT INTO budget_alerts ({Columns}, next_attempt_at) VALUES (@id, @scope, @start, @threshold, @created, @payload, 0, NULL, NULL, @created) " +
                    "ON CONFLICT (scope, period_start, threshold) DO NOTHING", transaction)
                .With("@id", alert.Id).With("@scope", alert.Scope).With("@start", Time.ToMillis(alert.PeriodStart))
                .With("@threshold", alert.Threshold).With("@created", Time.ToMillis(alert.CreatedAt)).With("@payload", alert.Payload)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return added > 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<BudgetAlertRecord>> DueAlertsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command(
                $"SELECT {Columns} FROM budget_alerts WHERE delivered_at IS NULL AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit")
            .With("@now", Time.ToMillis(now)).With("@limit", limit)
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var alerts = new List<BudgetAlertRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            alerts.Add(Read(reader));
        return alerts;
    }

    public Task MarkDeliveredAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.Command("UPDATE budget_alerts SET delivered_at = @at, attempts = attempts + 1, last_error = NULL WHERE id = @id", transaction)
                .With("@at", Time.ToMillis(at)).With("@id", id).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), cancellationToken);

    public Task MarkFailedAsync(string id, string error, DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            // Giving up parks the alert far in the future; it stays visible with its last error.
            await connection.Command("UPDATE budget_alerts SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE id = @id", transaction)
                .With("@error", error).With("@next", nextAttemptAt is { } next ? Time.ToMillis(next) : long.MaxValue).With("@id", id)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), cancellationToken);

    private static BudgetAlertRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Time.FromMillis(r.Int64(2)), (int)r.Int64(3), Time.FromMillis(r.Int64(4)), r.GetString(5),
        (int)r.Int64(6), Time.FromMillis(r.NullableInt64(7)), r.NullableString(8));
}
