using System.Data.Common;

namespace Holdfast.Storage.Sql;

/// <summary>How a backend hands out connections: reads run in parallel, writes in one transaction each.</summary>
public abstract class SqlDatabase : IAsyncDisposable
{
    public abstract SqlDialect Dialect { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
