using Holdfast.Storage.Sql;

namespace Holdfast.Storage;

/// <summary>The store over any <see cref="SqlDatabase"/>; the backend differences live in the database and its dialect.</summary>
public sealed class SqlStore : IStore
{
    private readonly SqlDatabase _database;
    private readonly TimeProvider _time;

    public SqlStore(SqlDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
        Keys = new SqlKeyStore(database);
        Usage = new SqlUsageStore(database);
        ResponseCache = new SqlResponseCacheStore(database);
        Budgets = new SqlBudgetStore(database);
    }

    public string Kind => _database.Dialect.Name;

    public SqlDatabase Database => _database;

    public IKeyStore Keys { get; }

    public IUsageStore Usage { get; }

    public IResponseCacheStore ResponseCache { get; }
    public IBudgetStore Budgets { get; }

    public Task MigrateAsync(CancellationToken cancellationToken) =>
        MigrationRunner.ApplyAsync(_database, _time, cancellationToken);

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.Command("SELECT 1").ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
