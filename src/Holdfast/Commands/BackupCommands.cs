using System.CommandLine;
using Holdfast.Core.Configuration;
using Holdfast.Server.Hosting;
using Holdfast.Storage;
using Holdfast.Storage.Sqlite;

namespace Holdfast.Commands;

/// <summary>
/// <c>holdfast backup FILE</c> and <c>holdfast restore FILE</c> for the SQLite store. PostgreSQL stores
/// are backed up with pg_dump (see the README).
/// </summary>
internal static class BackupCommands
{
    private const string PostgresAdvice =
        "The store is PostgreSQL: back it up with pg_dump --format=custom and restore with pg_restore (see the README).";

    public static Command CreateBackup()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var file = new Argument<string>("file") { Description = "Where to write the backup (a SQLite file)." };
        var command = new Command("backup", "Copy the SQLite store to a file while the server keeps running.") { file, config, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = await ResolveAsync(parse.GetValue(config), parse.GetValue(data));
            if (store is null)
                return 1;
            var destination = Path.GetFullPath(parse.GetValue(file)!);
            if (File.Exists(destination))
            {
                await Console.Error.WriteLineAsync($"error: {destination} exists; choose a new file");
                return 1;
            }
            await SqliteBackup.BackupAsync(store, destination, cancellationToken);
            Console.WriteLine($"backed up {store} to {destination}");
            return 0;
        });
        return command;
    }

    public static Command CreateRestore()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var file = new Argument<string>("file") { Description = "A file made by 'holdfast backup'." };
        var force = new Option<bool>("--force") { Description = "Replace an existing store." };
        var command = new Command("restore", "Replace the SQLite store with a backup. Stop the server first.") { file, force, config, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = await ResolveAsync(parse.GetValue(config), parse.GetValue(data));
            if (store is null)
                return 1;
            if (File.Exists(store) && !parse.GetValue(force))
            {
                await Console.Error.WriteLineAsync($"error: a store exists at {store}; pass --force to replace it (stop the server first)");
                return 1;
            }
            try
            {
                await SqliteBackup.RestoreAsync(Path.GetFullPath(parse.GetValue(file)!), store, cancellationToken);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
            // A backup from an older version is brought up to this version's schema.
            await using (var opened = StoreFactory.Open(new StoreConfig { Path = store }, Path.GetDirectoryName(store)!, TimeProvider.System))
                await opened.MigrateAsync(cancellationToken);
            Console.WriteLine($"restored {store}");
            return 0;
        });
        return command;
    }

    private static async Task<string?> ResolveAsync(string? configPath, string? dataDir)
    {
        ServerSettings settings;
        try
        {
            settings = ServerSettings.Resolve(new ServeOptions { ConfigPath = configPath, DataDir = dataDir });
        }
        catch (ConfigException e)
        {
            foreach (var error in e.Errors)
                await Console.Error.WriteLineAsync(error.ToString());
            return null;
        }
        if (settings.Config.Store.Type == StoreType.Postgres)
        {
            await Console.Error.WriteLineAsync(PostgresAdvice);
            return null;
        }
        return StoreFactory.SqlitePath(settings.Config.Store, settings.DataDir);
    }
}
