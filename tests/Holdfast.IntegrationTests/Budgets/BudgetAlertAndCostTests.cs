using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using static Holdfast.IntegrationTests.Budgets.BudgetTestKit;

namespace Holdfast.IntegrationTests.Budgets;

public sealed class BudgetAlertAndCostTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private FakeOpenAiUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeOpenAiUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Thresholds_FireOneSignedWebhookEach_OncePerWindow()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var yaml = $"budgets:\n  thresholds: [20, 50]\n  webhook:\n    url: {receiver.Url}\n    secret: {Secret}\n"
            + HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl));
        await using var server = await HoldfastTestServer.StartAsync(yaml);
        var (id, secret) = await CreateKeyAsync(server, "0.0001/month");
        using var client = server.ClientWithKey(secret);

        // 25% then 50% of the limit; the third call no longer fits and changes nothing.
        for (var i = 0; i < 2; i++)
            (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).StatusCode);
        (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 1))).EnsureSuccessStatusCode();
        var deliveries = await receiver.WaitForAsync(3);
        await Task.Delay(300);

        // 20% and 50% once each, although later calls kept spending past them.
        Assert.Equal(2, receiver.Received.Count);
        var verifier = new StandardWebhook(Secret);
        foreach (var delivery in receiver.Received)
            verifier.Verify(delivery.Body, delivery.Headers);
        var data = deliveries.Select(d => JsonNode.Parse(d.Body)!).OrderBy(d => d["data"]!["threshold_percent"]!.GetValue<int>()).ToList();
        Assert.All(data, d => Assert.Equal("budget.threshold", d["type"]!.GetValue<string>()));
        Assert.Equal([20, 50], data.Select(d => d["data"]!["threshold_percent"]!.GetValue<int>()));
        Assert.Equal($"key:{id}", data[0]["data"]!["budget"]!.GetValue<string>());
        Assert.Equal(CompletionCost, data[0]["data"]!["spent_usd"]!.GetValue<decimal>());
        Assert.Equal(2 * CompletionCost, data[1]["data"]!["spent_usd"]!.GetValue<decimal>());
        Assert.Equal(2, receiver.Received.Select(d => d.Headers["webhook-id"].ToString()).Distinct().Count());
    }

    [Fact]
    public async Task UnpricedModel_IsRefusedUnderABudget_AndFlaggedAsUnknownCostOtherwise()
    {
        var yaml = $"builtin_prices: false\nproviders:\n  - name: p\n    base_url: {_upstream.BaseUrl}\n" +
                   "routes:\n  - name: free-ish\n    targets:\n      - provider: p\n        model: unpriced-model\n";
        await using var server = await HoldfastTestServer.StartAsync(yaml);
        var (_, budgeted) = await CreateKeyAsync(server, "5/day");
        var (plainId, plain) = await server.CreateKeyAsync("plain");

        using (var refused = await server.ClientWithKey(budgeted).PostAsync("v1/chat/completions", Chat("free-ish")))
            await ErrorAssert.IsOpenAiError(refused, HttpStatusCode.Forbidden, "price_unknown");
        using var served = await server.ClientWithKey(plain).PostAsync("v1/chat/completions", Chat("free-ish"));
        served.EnsureSuccessStatusCode();
        Assert.False(served.Headers.Contains("x-holdfast-cost-usd"));

        var record = (await server.WaitForUsageAsync(2)).Single(r => r.KeyId == plainId);
        Assert.Null(record.CostUsd);
        var report = JsonNode.Parse(await server.Admin.GetStringAsync($"admin/usage?group_by=model&key={plainId}"))!;
        var row = Assert.Single(report["data"]!.AsArray())!;
        Assert.Equal(("unpriced-model", 1L, 0m), (row["group"]!.GetValue<string>(), row["unknown_cost_requests"]!.GetValue<long>(), row["cost_usd"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task KeyThatOptsIn_GetsTheCostInTheFinalUsageChunkOfAStream()
    {
        await using var server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)));
        var (_, secret) = await CreateKeyAsync(server, "1/day", streamCost: true);
        using var response = await server.ClientWithKey(secret).PostAsync("v1/chat/completions", Chat(stream: true));
        var text = await response.Content.ReadAsStringAsync();

        var usageChunk = text.Split("\n\n").Select(e => e.Trim()).Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => JsonNode.Parse(e["data: ".Length..])!).Single(e => e["usage"] is JsonObject);
        var record = Assert.Single(await server.WaitForUsageAsync(1));
        Assert.NotNull(record.CostUsd);
        Assert.Equal(record.CostUsd, usageChunk["usage"]!["cost_usd"]!.GetValue<decimal>());
        Assert.EndsWith("data: [DONE]", text.Trim(), StringComparison.Ordinal);
    }

    private sealed record Delivery(string Body, IHeaderDictionary Headers);

    /// <summary>A webhook receiver on loopback that records what it is sent.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private WebhookReceiver(WebApplication app) => _app = app;

        public ConcurrentQueue<Delivery> Received { get; } = new();

        public Uri Url { get; private set; } = null!;

        public static async Task<WebhookReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new WebhookReceiver(app);
            app.MapPost("/hook", async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var headers = new HeaderDictionary();
                foreach (var (name, value) in context.Request.Headers)
                    headers[name] = value;
                receiver.Received.Enqueue(new Delivery(await reader.ReadToEndAsync(), headers));
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
            return receiver;
        }

        public async Task<IReadOnlyList<Delivery>> WaitForAsync(int count)
        {
            for (var i = 0; i < 500 && Received.Count < count; i++)
                await Task.Delay(20);
            return Received.ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
