using Holdfast.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Holdfast.Storage.Sqlite;

/// <summary>
/// Online copies of a SQLite store with SQLite's backup API: consistent while the server keeps
/// writing, page by page, without stopping it.
/// </summary>
public static class SqliteBackup
{
    /// <summary>Copies the live store at <paramref name="storePath"/> into a new file.</summary>
    public static async Task BackupAsync(string storePath, string destination, CancellationToken cancellationToken)
    {
        if (!File.Exists(storePath))
            throw new FileNotFoundException($"No store at {storePath}.", storePath);
        await using var source = await OpenAsync(storePath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        await using var target = await OpenAsync(destination, SqliteOpenMode.ReadWriteCreate, cancellationToken).ConfigureAwait(false);
        source.BackupDatabase(target);
    }

    /// <summary>Replaces the store at <paramref name="storePath"/> with a backup. The server must be stopped.</summary>
    public static async Task RestoreAsync(string backupPath, string storePath, CancellationToken cancellationToken)
    {
        if (!File.Exists(backupPath))
            throw new FileNotFoundException($"No backup at {backupPath}.", backupPath);
        await using (var backup = await OpenAsync(backupPath, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false))
        {
            if (!await IsHoldfastStoreAsync(backup, cancellationToken).ConfigureAwait(false))
                throw new InvalidDataException($"{backupPath} is not a Holdfast store.");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(storePath))!);
            await using var target = await OpenAsync(storePath, SqliteOpenMode.ReadWriteCreate, cancellationToken).ConfigureAwait(false);
            backup.BackupDatabase(target);
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task<bool> IsHoldfastStoreAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var found = await connection.Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
            .ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return found is not null;
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
