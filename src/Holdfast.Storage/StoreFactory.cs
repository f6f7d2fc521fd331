using Holdfast.Core.Configuration;
using Holdfast.Storage.Postgres;
using Holdfast.Storage.Sqlite;

namespace Holdfast.Storage;

public static class StoreFactory
{
    public const string DefaultSqliteFile = "holdfast.db";

    /// <summary>Opens the configured store. Call <see cref="IStore.MigrateAsync"/> before first use.</summary>
    public static IStore Open(StoreConfig config, string dataDirectory, TimeProvider time) => config.Type switch
    {
        StoreType.Postgres => new SqlStore(new PostgresDatabase(config.Connection!), time),
        _ => new SqlStore(new SqliteDatabase(SqlitePath(config, dataDirectory)), time),
    };

    /// <summary>The SQLite file a config uses: store.path, else holdfast.db in the data directory.</summary>
    public static string SqlitePath(StoreConfig config, string dataDirectory) =>
        Path.GetFullPath(config.Path ?? Path.Combine(dataDirectory, DefaultSqliteFile));
}
