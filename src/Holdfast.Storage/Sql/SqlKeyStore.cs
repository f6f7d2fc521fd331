using System.Data.Common;
using System.Text.Json;
using Holdfast.Core.Budgets;
using Holdfast.Core.Keys;

namespace Holdfast.Storage.Sql;

internal sealed class SqlKeyStore(SqlDatabase database) : IKeyStore
{
    private const string Columns = "id, name, hash, prefix, routes, rpm, created_at, revoked_at, budget, stream_cost, tpm, concurrency";
    private const string BumpVersion = "UPDATE store_meta SET value = value + 1 WHERE name = 'keys_version'";

    public Task AddAsync(VirtualKey key, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.Command(
                    $"INSERT INTO api_keys ({Columns}) VALUES (@id, @name, @hash, @prefix, @routes, @rpm, @created, NULL, @budget, @streamCost, @tpm, @concurrency)",
                    transaction)
                .With("@id", key.Id).With("@name", key.Name).With("@hash", key.Hash).With("@prefix", key.Prefix)
                .With("@routes", JsonSerializer.Serialize(key.Routes, StorageJson.Default.IReadOnlyListString))
                .With("@rpm", key.Rpm).With("@tpm", key.Tpm).With("@concurrency", key.Concurrency).With("@created", Time.ToMillis(key.CreatedAt))
                .With("@budget", key.Budget?.ToString()).With("@streamCost", key.StreamCost ? 1 : 0)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await connection.Command(BumpVersion, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command($"SELECT {Columns} FROM api_keys ORDER BY created_at, id")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<VirtualKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            keys.Add(Read(reader));
        return keys;
    }

    public async Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command($"SELECT {Columns} FROM api_keys WHERE id = @id").With("@id", id)
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.Command(
                    "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", transaction)
                .With("@at", Time.ToMillis(at)).With("@id", id)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (changed > 0)
                await connection.Command(BumpVersion, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return changed > 0;
        }, cancellationToken);

    public Task<bool> UpdateBudgetAsync(string id, BudgetLimit? budget, bool streamCost, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = await connection.Command(
                    "UPDATE api_keys SET budget = @budget, stream_cost = @streamCost WHERE id = @id", transaction)
                .With("@budget", budget?.ToString()).With("@streamCost", streamCost ? 1 : 0).With("@id", id)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (changed > 0)
                await connection.Command(BumpVersion, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return changed > 0;
        }, cancellationToken);

    public async Task<long> GetVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var value = await connection.Command("SELECT value FROM store_meta WHERE name = 'keys_version'")
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static VirtualKey Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Hash = reader.GetString(2),
        Prefix = reader.GetString(3),
        Routes = JsonSerializer.Deserialize(reader.GetString(4), StorageJson.Default.IReadOnlyListString) ?? [],
        Rpm = (int?)reader.NullableInt64(5),
        CreatedAt = Time.FromMillis(reader.Int64(6)),
        RevokedAt = Time.FromMillis(reader.NullableInt64(7)),
        Budget = BudgetLimit.TryParse(reader.NullableString(8), out var budget) ? budget : null,
        StreamCost = reader.Int64(9) != 0,
        Tpm = (int?)reader.NullableInt64(10),
        Concurrency = (int?)reader.NullableInt64(11),
    };
}
