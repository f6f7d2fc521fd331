using System.Data.Common;
using Holdfast.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Holdfast.Storage.Sqlite;

/// <summary>
/// SQLite in WAL mode: one long-lived writer connection used by one writer at a time, and pooled
/// connections for reads, which never block on the writer.
/// </summary>
public sealed class SqliteDatabase : SqlDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    public SqliteDatabase(string path, bool durableCommits = true)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        DurableCommits = durableCommits;
    }

    public string Path { get; }

    /// <summary>synchronous=FULL: a commit is on disk before it returns, even across power loss.</summary>
    public bool DurableCommits { get; }

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var writer = _writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(writer, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var synchronous = DurableCommits ? "FULL" : "NORMAL";
        await connection.Command($"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON;")
            .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null)
                await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
        SqliteConnection.ClearAllPools();
    }
}
