using System.Data.Common;
using System.Reflection;

namespace Holdfast.Storage.Sql;

/// <summary>
/// Applies the embedded SQL scripts of a dialect (<c>Migrations/&lt;dialect&gt;/NNNN_name.sql</c>) that are
/// not yet recorded in <c>schema_migrations</c>, in name order, each in its own transaction.
/// Migrations are forward-only; a script once released never changes.
/// </summary>
internal static class MigrationRunner
{
    private const string CreateTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)";

    public static IReadOnlyList<(string Id, string Sql)> Scripts(string dialect)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = dialect + "/";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => (Path.GetFileNameWithoutExtension(name[prefix.Length..]), Read(assembly, name)))
            .ToList();
    }

    public static async Task<IReadOnlyList<string>> ApplyAsync(SqlDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        await database.WriteAsync(async (connection, transaction) =>
        {
            await database.Dialect.LockMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await connection.Command(CreateTable, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);

        var applied = new List<string>();
        foreach (var (id, sql) in Scripts(database.Dialect.Name))
        {
            var ran = await database.WriteAsync(async (connection, transaction) =>
            {
                await database.Dialect.LockMigrationsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var exists = await connection.Command("SELECT 1 FROM schema_migrations WHERE id = @id", transaction)
                    .With("@id", id).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (exists is not null)
                    return false;
                await connection.Command(sql, transaction).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await connection.Command("INSERT INTO schema_migrations (id, applied_at) VALUES (@id, @at)", transaction)
                    .With("@id", id).With("@at", time.GetUtcNow().ToUnixTimeMilliseconds())
                    .ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            if (ran)
                applied.Add(id);
        }
        return applied;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
