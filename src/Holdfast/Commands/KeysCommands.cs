using System.CommandLine;
using System.Text.Json;
using Holdfast.Core.Budgets;
using Holdfast.Core.Configuration;
using Holdfast.Server.Admin;
using Holdfast.Server.Hosting;
using Holdfast.Server.Keys;
using Holdfast.Storage;
using Spectre.Console;

namespace Holdfast.Commands;

/// <summary><c>holdfast keys create|list|revoke</c>, working on the store directly (no server needed).</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke virtual API keys.");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(ListKeys());
        command.Subcommands.Add(RevokeKey());
        command.Subcommands.Add(SetBudget());
        return command;
    }

    private static Command CreateKey()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var name = new Option<string>("--name") { Description = "A name for the key's owner or app.", Required = true };
        var routes = new Option<string?>("--routes") { Description = "Comma-separated routes the key may call (default: all)." };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute." };
        var budget = new Option<string?>("--budget") { Description = $"Hard spending cap in USD: {BudgetLimit.Format}." };
        var streamCost = new Option<bool>("--stream-cost") { Description = "End the key's streams with a usage chunk that carries the cost." };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens (prompt + completion) per minute." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Requests in flight at once." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("create", "Create a key and print it (it is shown only this once).")
        {
            name, routes, rpm, budget, streamCost, tpm, concurrency, json, config, data,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var request = new NewKeyRequest(
                parse.GetValue(name),
                parse.GetValue(routes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parse.GetValue(rpm),
                parse.GetValue(budget),
                parse.GetValue(streamCost),
                parse.GetValue(tpm),
                parse.GetValue(concurrency));
            var problems = KeyManagement.Validate(request);
            if (problems.Count > 0)
            {
                await Console.Error.WriteLineAsync("error: " + string.Join("; ", problems));
                return 1;
            }
            return await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (keys, _) =>
            {
                var issued = await keys.CreateAsync(request, cancellationToken);
                var k = issued.Key;
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(CreatedKeyView.From(issued), AdminJson.Default.CreatedKeyView));
                }
                else
                {
                    Console.WriteLine($"id:  {k.Id}");
                    Console.WriteLine($"key: {issued.Secret}");
                    if (k.Budget is not null)
                        Console.WriteLine($"budget: {k.Budget}");
                    Console.Error.WriteLine("Store the key now: it is not shown again.");
                }
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command ListKeys()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List keys (never their secrets).") { json, config, data };
        command.SetAction(async (parse, cancellationToken) =>
            await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (keys, _) =>
            {
                var list = await keys.ListAsync(cancellationToken);
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new KeyList(list.Select(KeyView.From).ToList()), AdminJson.Default.KeyList));
                    return 0;
                }
                var table = new Table().AddColumns("ID", "Name", "Key", "Routes", "RPM", "TPM", "Concurrency", "Budget", "Created (UTC)", "State");
                foreach (var k in list)
                {
                    table.AddRow(
                        Markup.Escape(k.Id), Markup.Escape(k.Name), Markup.Escape(k.Prefix + "…"),
                        Markup.Escape(k.Routes.Count == 0 ? "all" : string.Join(",", k.Routes)),
                        k.Rpm?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        k.Tpm?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        k.Concurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        Markup.Escape(k.Budget?.ToString() ?? "-"),
                        k.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                        k.IsRevoked ? "[red]revoked[/]" : "[green]active[/]");
                }
                AnsiConsole.Write(table);
                return 0;
            }, cancellationToken));
        return command;
    }

    private static Command RevokeKey()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var id = new Argument<string>("id") { Description = "The key's id (key_…)." };
        var command = new Command("revoke", "Revoke a key; requests with it fail from then on.") { id, config, data };
        command.SetAction(async (parse, cancellationToken) =>
            await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (keys, _) =>
            {
                var keyId = parse.GetValue(id)!;
                if (!await keys.RevokeAsync(keyId, cancellationToken))
                {
                    await Console.Error.WriteLineAsync($"error: no active key with id '{keyId}'");
                    return 1;
                }
                Console.WriteLine($"revoked {keyId}");
                return 0;
            }, cancellationToken));
        return command;
    }

    private static Command SetBudget()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var id = new Argument<string>("id") { Description = "The key's id (key_…)." };
        var budget = new Argument<string>("budget") { Description = $"{BudgetLimit.Format}, or none to remove the cap." };
        var streamCost = new Option<bool?>("--stream-cost") { Description = "Whether the key's streams end with a usage chunk carrying the cost." };
        var command = new Command("budget", "Set or remove a key's hard spending cap (applies within a second on a running server).") { id, budget, streamCost, config, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!KeyManagement.TryParseBudget(parse.GetValue(budget), out var limit))
            {
                await Console.Error.WriteLineAsync($"error: budget must look like {BudgetLimit.Format}, or none");
                return 1;
            }
            return await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (keys, store) =>
            {
                var keyId = parse.GetValue(id)!;
                var key = await store.Keys.GetAsync(keyId, cancellationToken);
                if (key is null || !await keys.SetBudgetAsync(keyId, limit, parse.GetValue(streamCost) ?? key.StreamCost, cancellationToken))
                {
                    await Console.Error.WriteLineAsync($"error: no key with id '{keyId}'");
                    return 1;
                }
                Console.WriteLine(limit is null ? $"{keyId}: no budget" : $"{keyId}: budget {limit}");
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<int> WithStoreAsync(
        string? configPath, string? dataDir, Func<KeyManagement, IStore, Task<int>> action, CancellationToken cancellationToken)
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
            return 1;
        }
        await using var store = StoreFactory.Open(settings.Config.Store, settings.DataDir, TimeProvider.System);
        await store.MigrateAsync(cancellationToken);
        return await action(new KeyManagement(store, TimeProvider.System), store);
    }
}
