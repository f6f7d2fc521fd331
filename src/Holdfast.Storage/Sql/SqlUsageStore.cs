using System.Data.Common;
using System.Text;
using Holdfast.Core.Usage;

namespace Holdfast.Storage.Sql;

internal sealed partial class SqlUsageStore(SqlDatabase database) : IUsageStore
{
    private const int RowsPerStatement = 200;

    private const string Columns =
        "request_id, ts, key_id, endpoint, route, provider, model, status, outcome, stream, latency_us, ttft_us, " +
        "prompt_tokens, completion_tokens, cached_tokens, tokens_estimated, cost_nanos, attempts, error, " +
        "cache_write_tokens, workflow, run_id";

    private const int ColumnCount = 22;

    public Task AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
            return Task.CompletedTask;
        return database.WriteAsync(async (connection, transaction) =>
        {
            for (var offset = 0; offset < records.Count; offset += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, records.Count - offset);
                await using var command = BuildInsert(connection, transaction, records, offset, count);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await AddToAggregatesAsync(connection, transaction, records, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    private static DbCommand BuildInsert(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> records, int offset, int count)
    {
        var sql = new StringBuilder($"INSERT INTO usage_records ({Columns}) VALUES ");
        var command = connection.Command("", transaction);
        for (var row = 0; row < count; row++)
        {
            var r = records[offset + row];
            sql.Append(row == 0 ? "(" : ",(");
            for (var column = 0; column < ColumnCount; column++)
                sql.Append(column == 0 ? "" : ",").Append("@p").Append(row * ColumnCount + column);
            sql.Append(')');
            var p = row * ColumnCount;
            command.With($"@p{p}", r.RequestId)
                .With($"@p{p + 1}", Time.ToMillis(r.Timestamp))
                .With($"@p{p + 2}", r.KeyId)
                .With($"@p{p + 3}", r.Endpoint)
                .With($"@p{p + 4}", r.Route)
                .With($"@p{p + 5}", r.Provider)
                .With($"@p{p + 6}", r.Model)
                .With($"@p{p + 7}", r.Status)
                .With($"@p{p + 8}", (int)r.Outcome)
                .With($"@p{p + 9}", r.Stream ? 1 : 0)
                .With($"@p{p + 10}", Micros(r.Latency))
                .With($"@p{p + 11}", r.TimeToFirstToken is { } ttft ? Micros(ttft) : null)
                .With($"@p{p + 12}", r.Tokens.Prompt)
                .With($"@p{p + 13}", r.Tokens.Completion)
                .With($"@p{p + 14}", r.Tokens.CachedPrompt)
                .With($"@p{p + 15}", r.Tokens.Estimated ? 1 : 0)
                .With($"@p{p + 16}", r.CostUsd is { } cost ? Money.ToNanos(cost) : null)
                .With($"@p{p + 17}", r.Attempts)
                .With($"@p{p + 18}", r.Error)
                .With($"@p{p + 19}", r.Tokens.CacheWritePrompt)
                .With($"@p{p + 20}", r.Workflow)
                .With($"@p{p + 21}", r.RunId);
        }
        command.CommandText = sql.ToString();
        return command;
    }

    public Task<long> ApplyRetentionAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken) =>
        database.Dialect.ApplyUsageRetentionAsync(database, Time.ToMillis(now), Time.ToMillis(now - retention), cancellationToken);

    public async Task<IReadOnlyList<UsageRecord>> ListAsync(UsageListQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM usage_records WHERE 1 = 1");
        if (query.KeyId is not null)
            sql.Append(" AND key_id = @key");
        if (query.Route is not null)
            sql.Append(" AND route = @route");
        sql.Append(" ORDER BY ts DESC LIMIT @limit");
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = connection.Command(sql.ToString()).With("@limit", Math.Clamp(query.Limit, 1, 10_000));
        if (query.KeyId is not null)
            command.With("@key", query.KeyId);
        if (query.Route is not null)
            command.With("@route", query.Route);
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var records = new List<UsageRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                records.Add(Read(reader));
            return records;
        }
    }

    private static UsageRecord Read(DbDataReader r) => new()
    {
        RequestId = r.GetString(0),
        Timestamp = Time.FromMillis(r.Int64(1)),
        KeyId = r.NullableString(2),
        Endpoint = r.GetString(3),
        Route = r.NullableString(4),
        Provider = r.NullableString(5),
        Model = r.NullableString(6),
        Status = (int)r.Int64(7),
        Outcome = (UsageOutcome)r.Int64(8),
        Stream = r.Int64(9) != 0,
        Latency = TimeSpan.FromMicroseconds(r.Int64(10)),
        TimeToFirstToken = r.NullableInt64(11) is { } ttft ? TimeSpan.FromMicroseconds(ttft) : null,
        Tokens = new TokenCounts(r.Int64(12), r.Int64(13), r.Int64(14), r.Int64(15) != 0, r.Int64(19)),
        CostUsd = r.NullableInt64(16) is { } nanos ? Money.FromNanos(nanos) : null,
        Attempts = (int)r.Int64(17),
        Error = r.NullableString(18),
        Workflow = r.NullableString(20),
        RunId = r.NullableString(21),
    };

    private static long Micros(TimeSpan value) => value.Ticks / 10;
}
