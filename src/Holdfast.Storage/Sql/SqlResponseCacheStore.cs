namespace Holdfast.Storage.Sql;

internal sealed class SqlResponseCacheStore(SqlDatabase database) : IResponseCacheStore
{
    private const string Columns = "cache_key, route, created_at, expires_at, content_type, body, provider, model, prompt_tokens, completion_tokens";

    public async Task<CachedResponse?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command($"SELECT {Columns} FROM response_cache WHERE cache_key = @key AND expires_at > @now")
            .With("@key", key).With("@now", Time.ToMillis(now))
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new CachedResponse(
            reader.GetString(0), reader.GetString(1), Time.FromMillis(reader.Int64(2)), Time.FromMillis(reader.Int64(3)),
            reader.GetString(4), (byte[])reader.GetValue(5), reader.NullableString(6), reader.NullableString(7),
            reader.Int64(8), reader.Int64(9));
    }

    public Task PutAsync(CachedResponse entry, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.Command("DELETE FROM response_cache WHERE cache_key = @key", transaction)
                .With("@key", entry.Key).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await connection.Command(
                    $"INSERT INTO response_cache ({Columns}, size) VALUES (@key, @route, @created, @expires, @type, @body, @provider, @model, @prompt, @completion, @size)",
                    transaction)
                .With("@key", entry.Key).With("@route", entry.Route)
                .With("@created", Time.ToMillis(entry.CreatedAt)).With("@expires", Time.ToMillis(entry.ExpiresAt))
                .With("@type", entry.ContentType).With("@body", entry.Body)
                .With("@provider", entry.Provider).With("@model", entry.Model)
                .With("@prompt", entry.PromptTokens).With("@completion", entry.CompletionTokens)
                .With("@size", (long)entry.Body.Length)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task TrimAsync(string route, DateTimeOffset now, int maxEntries, long maxBytes, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.Command("DELETE FROM response_cache WHERE route = @route AND expires_at <= @now", transaction)
                .With("@route", route).With("@now", Time.ToMillis(now))
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            // Keep the newest entries whose running total stays within both bounds.
            var keep = new List<string>();
            await using (var reader = await connection.Command(
                                 "SELECT cache_key, size FROM response_cache WHERE route = @route ORDER BY created_at DESC, cache_key", transaction)
                             .With("@route", route).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                long bytes = 0;
                var over = false;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    bytes += reader.Int64(1);
                    if (over || keep.Count >= maxEntries || bytes > maxBytes)
                    {
                        over = true;
                        continue;
                    }
                    keep.Add(reader.GetString(0));
                }
                if (!over)
                    return 0;
            }
            var oldestKept = keep.Count == 0 ? null : keep[^1];
            var cutoff = oldestKept is null
                ? long.MaxValue
                : (long)(await connection.Command("SELECT created_at FROM response_cache WHERE cache_key = @key", transaction)
                    .With("@key", oldestKept).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await connection.Command(
                    "DELETE FROM response_cache WHERE route = @route AND (created_at < @cutoff OR (created_at = @cutoff AND cache_key > @last))", transaction)
                .With("@route", route).With("@cutoff", cutoff).With("@last", oldestKept ?? "")
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
}
