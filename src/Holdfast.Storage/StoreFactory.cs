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
        _ => new SqlStore(new SqliteDatabase(config.Path ?? Path.Combine(dataDirectory, DefaultSqliteFile)), time),
    };
}
