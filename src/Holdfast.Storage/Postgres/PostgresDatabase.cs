using System.Data.Common;
using Holdfast.Storage.Sql;
using Npgsql;

namespace Holdfast.Storage.Postgres;

public sealed class PostgresDatabase : SqlDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public NpgsqlDataSource DataSource => _dataSource;

    public override SqlDialect Dialect => PostgresDialect.Instance;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
