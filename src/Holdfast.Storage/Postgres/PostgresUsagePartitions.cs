using System.Globalization;
using Holdfast.Storage.Sql;
using Npgsql;

namespace Holdfast.Storage.Postgres;

/// <summary>
/// Keeps <c>usage_records</c> in one partition per UTC day (<c>usage_records_pYYYYMMDD</c>): creates the
/// coming days' partitions ahead of time and drops whole partitions once their day has passed the
/// retention cutoff. Rows without a day partition live in the default partition and are deleted row
/// by row there.
/// </summary>
internal static class PostgresUsagePartitions
{
    private const string Prefix = "usage_records_p";
    private const int DaysAhead = 3;

    public static async Task<long> MaintainAsync(SqlDatabase database, long nowMillis, long cutoffMillis, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(nowMillis).UtcDateTime);
        for (var day = today; day <= today.AddDays(DaysAhead); day = day.AddDays(1))
            await TryCreateAsync(database, day, cancellationToken).ConfigureAwait(false);

        long removed = 0;
        var cutoffDay = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(cutoffMillis).UtcDateTime);
        foreach (var (name, day) in await ListAsync(database, cancellationToken).ConfigureAwait(false))
        {
            // A partition goes once its whole day is older than the cutoff.
            if (day.AddDays(1) > cutoffDay)
                continue;
            await database.WriteAsync(async (connection, transaction) =>
                await connection.Command($"DROP TABLE IF EXISTS {name}", transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            removed++;
        }
        await database.WriteAsync(async (connection, transaction) =>
            await connection.Command("DELETE FROM usage_records_default WHERE ts < @cutoff", transaction).With("@cutoff", cutoffMillis)
                .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public static async Task<IReadOnlyList<(string Name, DateOnly Day)>> ListAsync(SqlDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reader = await connection.Command(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent " +
                "WHERE p.relname = 'usage_records' AND c.relnamespace = p.relnamespace ORDER BY c.relname")
            .ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var partitions = new List<(string, DateOnly)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (name.StartsWith(Prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(name[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                partitions.Add((name, day));
        }
        return partitions;
    }

    private static async Task TryCreateAsync(SqlDatabase database, DateOnly day, CancellationToken cancellationToken)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var to = from + (long)TimeSpan.FromDays(1).TotalMilliseconds;
        var name = Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        try
        {
            await database.WriteAsync(async (connection, transaction) =>
                await connection.Command(
                        $"CREATE TABLE IF NOT EXISTS {name} PARTITION OF usage_records FOR VALUES FROM ({from}) TO ({to})", transaction)
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.InvalidObjectDefinition)
        {
            // The default partition already holds rows of that day (or another node made it): the day stays there.
        }
    }
}
