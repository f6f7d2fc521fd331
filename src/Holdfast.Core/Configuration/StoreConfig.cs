using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Holdfast.Core.Configuration;

[JsonConverter(typeof(JsonStringEnumConverter<StoreType>))]
public enum StoreType
{
    [JsonStringEnumMemberName("sqlite")] Sqlite,
    [JsonStringEnumMemberName("postgres")] Postgres,
}

public sealed record StoreConfig
{
    [Description("sqlite (embedded, default) or postgres.")]
    public StoreType Type { get; init; } = StoreType.Sqlite;

    [Description("SQLite file. Default <data_dir>/holdfast.db.")]
    public string? Path { get; init; }

    [Description("PostgreSQL connection string, e.g. ${HOLDFAST_PG}.")]
    public string? Connection { get; init; }
}
