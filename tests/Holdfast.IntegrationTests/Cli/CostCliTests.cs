using System.Text.Json.Nodes;
using Holdfast.Core.Usage;
using Holdfast.Core.Configuration;
using Holdfast.IntegrationTests.Infrastructure;
using Holdfast.Storage;

namespace Holdfast.IntegrationTests.Cli;

/// <summary><c>holdfast keys create --budget</c>, <c>holdfast keys budget</c>, <c>holdfast budgets</c> and <c>holdfast usage</c>, run as a user would.</summary>
public sealed class CostCliTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-cli", Guid.NewGuid().ToString("N"));
    private readonly string _config;

    public CostCliTests()
    {
        Directory.CreateDirectory(_directory);
        _config = Path.Combine(_directory, "holdfast.yaml");
        File.WriteAllText(_config, "server:\n  data_dir: ./data\nbudgets:\n  server: 100/month\n");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task KeysCreateWithBudget_ThenBudgets_ShowsSpendRemainingAndReset()
    {
        var (exit, stdout, stderr) = await Run("keys", "create", "--name", "team-a", "--budget", "20/month", "--json");
        Assert.True(exit == 0, stderr);
        var key = JsonNode.Parse(stdout)!;
        Assert.Equal("20/month", key["budget"]!.GetValue<string>());
        var id = key["id"]!.GetValue<string>();
        await AppendUsageAsync(id, 1.25m);

        (exit, stdout, stderr) = await Run("budgets", "--json");
        Assert.True(exit == 0, stderr);
        var budgets = JsonNode.Parse(stdout)!["data"]!.AsArray();
        var mine = budgets.Single(b => b!["scope"]!.GetValue<string>() == $"key:{id}")!;
        Assert.Equal((1.25m, 18.75m), (mine["spent_usd"]!.GetValue<decimal>(), mine["remaining_usd"]!.GetValue<decimal>()));
        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1),
            mine["resets_at"]!.GetValue<DateTimeOffset>());
        Assert.Contains(budgets, b => b!["scope"]!.GetValue<string>() == "server");

        (exit, stdout, _) = await Run("budgets");
        Assert.Equal(0, exit);
        Assert.Contains("team-a", stdout);
        Assert.Contains("20/month", stdout);
        Assert.Contains("6.25%", stdout);

        (exit, stdout, _) = await Run("keys", "budget", id, "none");
        Assert.Equal((0, $"{id}: no budget"), (exit, stdout.Trim()));
        (exit, _, stderr) = await Run("keys", "budget", id, "lots");
        Assert.Equal(1, exit);
        Assert.Contains("budget must look like", stderr);
    }

    [Fact]
    public async Task Usage_PrintsATableCsvOrJson_FromTheAggregates()
    {
        await AppendUsageAsync("key_x", 0.5m);
        await AppendUsageAsync("key_y", 0.25m);

        var (exit, stdout, stderr) = await Run("usage", "--by", "key");
        Assert.True(exit == 0, stderr);
        Assert.Contains("key_x", stdout);
        Assert.Contains("total", stdout);
        Assert.Contains("0.75", stdout);

        (exit, stdout, _) = await Run("usage", "--by", "model", "--csv");
        Assert.Equal(0, exit);
        Assert.Equal(["group", "m", "total"], stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')[0]));

        (exit, stdout, _) = await Run("usage", "--by", "day", "--key", "key_y", "--json");
        Assert.Equal(0, exit);
        Assert.Equal(0.25m, JsonNode.Parse(stdout)!["total"]!["cost_usd"]!.GetValue<decimal>());

        (exit, _, stderr) = await Run("usage", "--by", "colour");
        Assert.Equal(1, exit);
        Assert.Contains("--by must be one of", stderr);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Run(params string[] args) =>
        HoldfastProcess.RunAsync(_directory, null, [.. args, "--config", _config]);

    private async Task AppendUsageAsync(string keyId, decimal cost)
    {
        await using var store = StoreFactory.Open(new StoreConfig(), Path.Combine(_directory, "data"), TimeProvider.System);
        await store.MigrateAsync(CancellationToken.None);
        await store.Usage.AppendAsync(
        [
            new UsageRecord
            {
                RequestId = Guid.NewGuid().ToString("N"), Timestamp = DateTimeOffset.UtcNow, KeyId = keyId, Endpoint = "chat", Route = "r",
                Provider = "p", Model = "m", Status = 200, Latency = TimeSpan.FromMilliseconds(40), Tokens = new TokenCounts(10, 5), CostUsd = cost,
            },
        ], CancellationToken.None);
    }
}
