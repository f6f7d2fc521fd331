using System.Data.Common;
using Holdfast.Storage.Sql;

namespace Holdfast.Storage.Sqlite;

internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string Name => "sqlite";

    public override string UtcDay(string unixMillisColumn) => $"strftime('%Y-%m-%d', {unixMillisColumn} / 1000, 'unixepoch')";

    // A write transaction in SQLite (BEGIN IMMEDIATE) already excludes every other writer.
    public override Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    // Batches keep each write transaction short, so request metering never waits long behind retention.
    public override async Task<long> ApplyUsageRetentionAsync(SqlDatabase database, long nowMillis, long cutoffMillis, CancellationToken cancellationToken)
    {
        const int Batch = 5_000;
        long total = 0;
        while (true)
        {
            var deleted = await database.WriteAsync(async (connection, transaction) =>
                await connection.Command(
                        "DELETE FROM usage_records WHERE rowid IN (SELECT rowid FROM usage_records WHERE ts < @cutoff LIMIT @batch)", transaction)
                    .With("@cutoff", cutoffMillis).With("@batch", Batch)
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (deleted < Batch)
                return total;
        }
    }
}
