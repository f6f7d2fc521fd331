using System.Data.Common;
using Holdfast.Storage.Sql;

namespace Holdfast.Storage.Postgres;

internal sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    // Any constant shared by every Holdfast node; it names the migration lock.
    private const long MigrationLockId = 0x486F6C6466617374;

    public override string Name => "postgres";

    public override string UtcDay(string unixMillisColumn) =>
        $"to_char(to_timestamp({unixMillisColumn} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    public override async Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await connection.Command($"SELECT pg_advisory_xact_lock({MigrationLockId})", transaction)
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

    public override Task<long> ApplyUsageRetentionAsync(SqlDatabase database, long nowMillis, long cutoffMillis, CancellationToken cancellationToken) =>
        PostgresUsagePartitions.MaintainAsync(database, nowMillis, cutoffMillis, cancellationToken);
}
