using System.Data.Common;

namespace Holdfast.Storage.Sql;

/// <summary>The few places where SQLite and PostgreSQL SQL differ. Everything else is written once.</summary>
public abstract class SqlDialect
{
    /// <summary>Name of the migrations folder.</summary>
    public abstract string Name { get; }

    /// <summary>An expression giving the UTC calendar day (YYYY-MM-DD) of a unix-milliseconds column.</summary>
    public abstract string UtcDay(string unixMillisColumn);

    /// <summary>Serialises migrations between processes for the rest of the transaction.</summary>
    public abstract Task LockMigrationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Deletes raw usage records older than <paramref name="cutoffMillis"/>; the aggregates keep their totals.</summary>
    /// <returns>Records or partitions removed.</returns>
    public abstract Task<long> ApplyUsageRetentionAsync(SqlDatabase database, long nowMillis, long cutoffMillis, CancellationToken cancellationToken);
}
