using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Holdfast.Core.Configuration;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Budgets;
using Holdfast.Server.Admin;
using Holdfast.Server.Hosting;
using Holdfast.Server.Usage;
using Holdfast.Storage;
using Spectre.Console;

namespace Holdfast.Commands;

/// <summary><c>holdfast usage</c> and <c>holdfast budgets</c>, read from the store's aggregates (no server needed).</summary>
internal static class CostCommands
{
    public static Command Usage()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var by = new Option<string>("--by") { Description = $"Group rows by: {UsageEndpoint.Groupings}.", DefaultValueFactory = _ => "key" };
        var from = new Option<string?>("--from") { Description = "Start (a date or ISO 8601 time; UTC unless it says otherwise)." };
        var to = new Option<string?>("--to") { Description = "End, exclusive." };
        var key = new Option<string?>("--key") { Description = "Only this key id." };
        var route = new Option<string?>("--route") { Description = "Only this route." };
        var provider = new Option<string?>("--provider") { Description = "Only this provider." };
        var model = new Option<string?>("--model") { Description = "Only this upstream model." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("usage", "Requests, tokens, cost, error rate and latency, grouped.") { by, from, to, key, route, provider, model, csv, json, config, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!UsageEndpoint.TryGrouping(parse.GetValue(by)!, out var grouping))
                return await FailAsync($"--by must be one of: {UsageEndpoint.Groupings}");
            if (!TryInstant(parse.GetValue(from), out var fromAt) || !TryInstant(parse.GetValue(to), out var toAt))
                return await FailAsync("--from and --to take a date or an ISO 8601 time, e.g. 2026-11-01 or 2026-11-01T08:00:00Z");
            return await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (snapshot, store) =>
            {
                var filter = new UsageFilter(parse.GetValue(key), parse.GetValue(route), parse.GetValue(provider), parse.GetValue(model), fromAt, toAt);
                var report = await new UsageReporter(store, TimeProvider.System).BuildAsync(snapshot, grouping, filter, cancellationToken);
                if (parse.GetValue(csv))
                    Console.Write(UsageCsv.Write(report));
                else if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(report, UsageReportJson.Default.UsageReport));
                else
                    AnsiConsole.Write(UsageTable(report));
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    public static Command Budgets()
    {
        var config = CommonOptions.Config();
        var data = CommonOptions.Data();
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("budgets", "Each budget's spend, what remains and when it resets.") { json, config, data };
        command.SetAction(async (parse, cancellationToken) =>
            await WithStoreAsync(parse.GetValue(config), parse.GetValue(data), async (snapshot, store) =>
            {
                var keys = new KeyRing(store);
                await keys.RefreshAsync(force: true, cancellationToken);
                var ledger = new BudgetLedger(new ConfigHolder(snapshot), keys, store, new BudgetAlertQueue(), TimeProvider.System);
                var budgets = (await ledger.ListAsync(cancellationToken)).Select(BudgetView.From).ToList();
                if (parse.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new BudgetList(budgets), AdminJson.Default.BudgetList));
                    return 0;
                }
                var table = new Table().AddColumns("Budget", "Name", "Limit", "Spent (USD)", "Remaining (USD)", "Used", "Resets");
                foreach (var b in budgets)
                {
                    var used = b.LimitUsd == 0 ? 100 : b.SpentUsd * 100 / b.LimitUsd;
                    var color = used >= 100 ? "red" : used >= 80 ? "yellow" : "green";
                    table.AddRow(Markup.Escape(b.Scope), Markup.Escape(b.Name ?? ""), Markup.Escape(b.Limit), Money(b.SpentUsd), Money(b.RemainingUsd),
                        $"[{color}]{used.ToString("0.##", CultureInfo.InvariantCulture)}%[/]",
                        b.ResetsAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never");
                }
                AnsiConsole.Write(table);
                if (budgets.Count == 0)
                    Console.WriteLine("No budgets: set them under budgets: in the config, or on keys with 'holdfast keys budget ID 20/month'.");
                return 0;
            }, cancellationToken));
        return command;
    }

    private static Table UsageTable(UsageReport report)
    {
        var table = new Table().AddColumns(report.GroupBy, "Requests", "Errors", "Tokens in", "Tokens out", "Cost (USD)", "Unpriced", "p50 ms", "p95 ms");
        if (report.ServerCost is not null)
            table.AddColumns($"Server ({report.ServerCost.Currency})", "Total (USD)");
        foreach (var row in report.Data.Append(report.Total))
        {
            var cells = new List<string>
            {
                Markup.Escape(row.Group.Length == 0 ? "(none)" : row.Group), Number(row.Requests),
                $"{Number(row.Errors)} ({row.ErrorRate.ToString("P1", CultureInfo.InvariantCulture)})",
                Number(row.PromptTokens), Number(row.CompletionTokens), Money(row.CostUsd),
                row.UnknownCostRequests == 0 ? "0" : $"[yellow]{Number(row.UnknownCostRequests)}[/]",
                row.LatencyP50Ms?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-", row.LatencyP95Ms?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-",
            };
            if (report.ServerCost is not null)
            {
                cells.Add(Money(row.ServerCost ?? 0));
                cells.Add(Money(row.TotalCostUsd));
            }
            table.AddRow(cells.ToArray());
        }
        table.Caption = new TableTitle(Markup.Escape(
            $"{report.From.UtcDateTime:yyyy-MM-dd HH:mm} – {report.To.UtcDateTime:yyyy-MM-dd HH:mm} UTC; days in {report.TimeZone}" +
            (report.Total.UnknownCostRequests > 0 ? "; unpriced calls are not in the cost: give their models a price" : "")));
        return table;
    }

    private static string Money(decimal usd) => usd.ToString("0.00####", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static bool TryInstant(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return false;
        value = parsed;
        return true;
    }

    private static async Task<int> FailAsync(string message)
    {
        await Console.Error.WriteLineAsync("error: " + message);
        return 1;
    }

    private static async Task<int> WithStoreAsync(
        string? configPath, string? dataDir, Func<ConfigSnapshot, IStore, Task<int>> action, CancellationToken cancellationToken)
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
        return await action(new ConfigSnapshot(settings.Config), store);
    }
}
