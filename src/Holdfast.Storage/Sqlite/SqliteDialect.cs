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
}
