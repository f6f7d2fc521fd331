using Holdfast.Core.Budgets;
using Holdfast.Core.Configuration;

namespace Holdfast.Tests.Configuration;

public sealed class CostConfigTests
{
    private const string Base = """
        providers:
          - name: groq
            base_url: https://api.groq.com/openai/v1
            prices:
              llama-3.3-70b-versatile: { input: 0.5, output: 0.7 }
        routes:
          - name: fast
            default_max_tokens: 512
            targets:
              - provider: groq
                model: llama-3.3-70b-versatile

        """;

    private static ConfigLoadResult Load(string yaml, Dictionary<string, string>? env = null) =>
        ConfigLoader.LoadText(Base + yaml, "holdfast.yaml", env ?? []);

    [Fact]
    public void CostSettings_Load()
    {
        var result = Load("""
            time_zone: Europe/Berlin
            builtin_prices: false
            prices:
              sdxl: { per_image: 0.002, per_gpu_second: 0.0005 }
            budgets:
              server: 100/month
              routes: { fast: 5/day }
              workflows: { nightly: 2 }
              thresholds: [25, 75]
              webhook: { url: https://hooks.example.com/h, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
            server_cost: { per_hour: 0.012, currency: EUR }
            usage: { retention: 7d }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var config = result.Config!;
        Assert.Equal(new BudgetLimit(100m, BudgetWindow.Month), config.Budgets.Server);
        Assert.Equal(new BudgetLimit(5m, BudgetWindow.Day), config.Budgets.Routes["fast"]);
        Assert.Equal(new BudgetLimit(2m, BudgetWindow.Total), config.Budgets.Workflows["nightly"]);
        Assert.Equal([25, 75], config.Budgets.Thresholds);
        Assert.Equal(512, config.Routes[0].DefaultMaxTokens);
        Assert.Equal(0.0005m, config.Prices["sdxl"].PerGpuSecond);
        Assert.Equal(0.5m, config.Providers[0].Prices["llama-3.3-70b-versatile"].Input);
        Assert.Equal(("EUR", TimeSpan.FromDays(7)), (config.ServerCost!.Currency, config.Usage.Retention));
        Assert.Equal("Europe/Berlin", new ConfigSnapshot(config).TimeZone.Id);
    }

    [Fact]
    public void BadCostSettings_AreAllReportedWithTheirFields()
    {
        var result = Load("""
            time_zone: Mars/Olympus
            prices:
              m: { input: -1, per_image: -0.1 }
            budgets:
              routes: { nowhere: 5/day }
              thresholds: [0]
              webhook: { url: ftp://x, secret: not-base64! }
            server_cost: { per_hour: -1, currency: euro }
            usage: { retention: 1m }
            """);

        string[] expected =
        [
            "time_zone", "budgets.routes.nowhere", "budgets.thresholds[0]", "budgets.webhook.url", "budgets.webhook.secret",
            "server_cost.per_hour", "server_cost.currency", "usage.retention", "prices.m.input", "prices.m.per_image",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MalformedBudget_IsExplainedAtItsLine()
    {
        var error = Assert.Single(Load("budgets:\n  server: lots/month\n").Errors);
        Assert.Equal("budgets.server", error.Path);
        Assert.Contains("20/month", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Budget_CanBeSetFromTheEnvironment()
    {
        var result = Load("", new Dictionary<string, string> { ["HOLDFAST_BUDGETS__SERVER"] = "50/week" });
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(new BudgetLimit(50m, BudgetWindow.Week), result.Config!.Budgets.Server);
    }

    [Fact]
    public void Schema_DescribesBudgetsAsText()
    {
        var schema = ConfigSchema.Generate().ToJsonString();
        Assert.Contains("day|daily|week|weekly|month|monthly|total", schema, StringComparison.Ordinal);
        Assert.Contains("per_gpu_second", schema, StringComparison.Ordinal);
    }
}
