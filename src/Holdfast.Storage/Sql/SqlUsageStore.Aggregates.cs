using System.Data.Common;
using System.Text;
using Holdfast.Core.Budgets;
using Holdfast.Core.Usage;

namespace Holdfast.Storage.Sql;

internal sealed partial class SqlUsageStore
{
    private const int AggregatesPerStatement = 100;
    private const string Dimensions = "bucket_start, key_id, route, provider, model, workflow";

    private static readonly string[] SumColumns =
    [
        "requests", "errors", "unknown_cost", "prompt_tokens", "completion_tokens", "cached_tokens", "cache_write_tokens",
        "cost_nanos", "latency_us",
        .. Enumerable.Range(0, LatencyHistogram.BucketCount).Select(i => $"lat_{i:00}"),
    ];

    private static readonly string UpsertHead = $"INSERT INTO usage_aggregates ({Dimensions}, {string.Join(", ", SumColumns)}) VALUES ";

    private static readonly string UpsertTail =
        $" ON CONFLICT ({Dimensions}) DO UPDATE SET " +
        string.Join(", ", SumColumns.Select(c => $"{c} = usage_aggregates.{c} + excluded.{c}"));

    private static readonly string SumSelect = string.Join(", ", SumColumns.Select(c => $"SUM({c})"));

    private readonly record struct AggregateKey(long Bucket, string Key, string Route, string Provider, string Model, string Workflow);

    /// <summary>Adds a batch to the aggregates. Rows are upserted in key order, so concurrent writers never deadlock.</summary>
    private static async Task AddToAggregatesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        var sums = new SortedDictionary<AggregateKey, UsageSums>(Comparer<AggregateKey>.Create(CompareKeys));
        foreach (var r in records)
        {
            var key = new AggregateKey(UsageBuckets.StartMillis(Time.ToMillis(r.Timestamp)), r.KeyId ?? "", r.Route ?? "",
                r.Provider ?? "", r.Model ?? "", r.Workflow ?? "");
            if (!sums.TryGetValue(key, out var row))
                sums[key] = row = new UsageSums();
            row.Add(r);
        }
        foreach (var chunk in sums.Chunk(AggregatesPerStatement))
        {
            await using var command = connection.Command("", transaction);
            var values = new StringBuilder();
            var p = 0;
            foreach (var (key, row) in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ",(");
                foreach (var value in Values(key, row))
                {
                    values.Append(p % (6 + SumColumns.Length) == 0 ? "" : ",").Append("@a").Append(p);
                    command.With($"@a{p++}", value);
                }
                values.Append(')');
            }
            command.CommandText = UpsertHead + values + UpsertTail;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static IEnumerable<object> Values(AggregateKey key, UsageSums row)
    {
        yield return key.Bucket;
        yield return key.Key;
        yield return key.Route;
        yield return key.Provider;
        yield return key.Model;
        yield return key.Workflow;
        yield return row.Requests;
        yield return row.Errors;
        yield return row.UnknownCost;
        yield return row.PromptTokens;
        yield return row.CompletionTokens;
        yield return row.CachedTokens;
        yield return row.CacheWriteTokens;
        yield return row.CostNanos;
        yield return row.LatencyMicros;
        foreach (var count in row.Latency)
            yield return count;
    }

    private static int CompareKeys(AggregateKey a, AggregateKey b)
    {
        var c = a.Bucket.CompareTo(b.Bucket);
        if (c == 0) c = string.CompareOrdinal(a.Key, b.Key);
        if (c == 0) c = string.CompareOrdinal(a.Route, b.Route);
        if (c == 0) c = string.CompareOrdinal(a.Provider, b.Provider);
        if (c == 0) c = string.CompareOrdinal(a.Model, b.Model);
        if (c == 0) c = string.CompareOrdinal(a.Workflow, b.Workflow);
        return c;
    }

    public async Task<IReadOnlyList<UsageAggregateRow>> AggregateAsync(UsageAggregateQuery query, CancellationToken cancellationToken)
    {
        var group = query.GroupBy is { } dimension ? Column(dimension) : null;
        var keys = new List<string>();
        if (query.ByQuarterHour)
            keys.Add("bucket_start");
        if (group is not null)
            keys.Add(group);
        var select = keys.Count == 0 ? SumSelect : $"{string.Join(", ", keys)}, {SumSelect}";
        var sql = new StringBuilder($"SELECT {select} FROM usage_aggregates WHERE 1 = 1");
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("");
        var filter = query.Filter;
        AddFilter(sql, command, "key_id", filter.KeyId);
        AddFilter(sql, command, "route", filter.Route);
        AddFilter(sql, command, "provider", filter.Provider);
        AddFilter(sql, command, "model", filter.Model);
        if (filter.From is { } from)
        {
            sql.Append(" AND bucket_start >= @from");
            command.With("@from", UsageBuckets.StartMillis(Time.ToMillis(from)));
        }
        if (filter.To is { } to)
        {
            sql.Append(" AND bucket_start < @to");
            command.With("@to", Time.ToMillis(to));
        }
        if (keys.Count > 0)
            sql.Append($" GROUP BY {string.Join(", ", keys)} ORDER BY {string.Join(", ", keys)}");
        command.CommandText = sql.ToString();

        var rows = new List<UsageAggregateRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var ordinal = 0;
            DateTimeOffset? bucket = query.ByQuarterHour ? Time.FromMillis(reader.Int64(ordinal++)) : null;
            var name = group is null ? null : reader.NullableString(ordinal++) ?? "";
            var sums = ReadSums(reader, ordinal);
            if (sums.Requests > 0)
                rows.Add(new UsageAggregateRow(bucket, name, sums));
        }
        return rows;
    }

    public async Task<long> SpentNanosAsync(BudgetScope scope, DateTimeOffset from, CancellationToken cancellationToken)
    {
        var (sql, id) = scope.Kind switch
        {
            BudgetScopeKind.Server => ("SELECT SUM(cost_nanos) FROM usage_aggregates WHERE bucket_start >= @from", null),
            BudgetScopeKind.Key => ("SELECT SUM(cost_nanos) FROM usage_aggregates WHERE key_id = @id AND bucket_start >= @from", scope.Id),
            BudgetScopeKind.Route => ("SELECT SUM(cost_nanos) FROM usage_aggregates WHERE route = @id AND bucket_start >= @from", scope.Id),
            BudgetScopeKind.Workflow => ("SELECT SUM(cost_nanos) FROM usage_aggregates WHERE workflow = @id AND bucket_start >= @from", scope.Id),
            _ => ("SELECT SUM(cost_nanos) FROM usage_records WHERE run_id = @id AND ts >= @from", (string?)scope.Id),
        };
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql).With("@from", Time.ToMillis(from));
        if (id is not null)
            command.With("@id", id);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static UsageSums ReadSums(DbDataReader reader, int ordinal)
    {
        var sums = new UsageSums
        {
            Requests = reader.Int64(ordinal),
            Errors = reader.Int64(ordinal + 1),
            UnknownCost = reader.Int64(ordinal + 2),
            PromptTokens = reader.Int64(ordinal + 3),
            CompletionTokens = reader.Int64(ordinal + 4),
            CachedTokens = reader.Int64(ordinal + 5),
            CacheWriteTokens = reader.Int64(ordinal + 6),
            CostNanos = reader.Int64(ordinal + 7),
            LatencyMicros = reader.Int64(ordinal + 8),
        };
        for (var i = 0; i < sums.Latency.Length; i++)
            sums.Latency[i] = reader.Int64(ordinal + 9 + i);
        return sums;
    }

    private static void AddFilter(StringBuilder sql, DbCommand command, string column, string? value)
    {
        if (value is null)
            return;
        sql.Append(" AND ").Append(column).Append(" = @").Append(column);
        command.With("@" + column, value);
    }

    private static string Column(UsageDimension dimension) => dimension switch
    {
        UsageDimension.Key => "key_id",
        UsageDimension.Route => "route",
        UsageDimension.Provider => "provider",
        UsageDimension.Model => "model",
        _ => "workflow",
    };
}
