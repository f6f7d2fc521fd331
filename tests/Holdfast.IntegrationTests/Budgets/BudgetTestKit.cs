using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Budgets;

/// <summary>Requests and keys for the budget tests. Prices: 1 USD per million input, 0.5 cached, 2 output (see ConfigFor).</summary>
internal static class BudgetTestKit
{
    /// <summary>What one fake completion costs: 10 plain + 2 cached prompt tokens and 7 completion tokens.</summary>
    public const decimal CompletionCost = (10 * 1m + 2 * 0.5m + 7 * 2m) / 1_000_000m;

    public static async Task<(string Id, string Secret)> CreateKeyAsync(HoldfastTestServer server, string budget, bool streamCost = false)
    {
        using var response = await server.Admin.PostAsJsonAsync("admin/keys", new { name = "budgeted", budget, stream_cost = streamCost });
        response.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(budget, json["budget"]!.GetValue<string>());
        return (json["id"]!.GetValue<string>(), json["key"]!.GetValue<string>());
    }

    public static StringContent Chat(string model = "a-route", int maxTokens = 100, bool stream = false) => new(
        $"{{\"model\":\"{model}\",\"max_tokens\":{maxTokens},\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}",
        Encoding.UTF8, "application/json");

    /// <summary>The worst case the gateway reserves for <see cref="Chat"/>: body bytes / 3 prompt tokens at 1 USD/M, max_tokens at 2 USD/M.</summary>
    public static async Task<decimal> WorstCaseAsync(int maxTokens = 100)
    {
        var bytes = (await Chat(maxTokens: maxTokens).ReadAsByteArrayAsync()).Length;
        return ((bytes + 2) / 3 * 1m + maxTokens * 2m) / 1_000_000m;
    }

    public static async Task<JsonObject> BudgetAsync(HoldfastTestServer server, string scope)
    {
        var list = JsonNode.Parse(await server.Admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray();
        return list.Single(b => b!["scope"]!.GetValue<string>() == scope)!.AsObject();
    }
}
