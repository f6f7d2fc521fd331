using System.Globalization;
using System.Net;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Holdfast.IntegrationTests.Budgets.BudgetTestKit;

namespace Holdfast.IntegrationTests.Budgets;

public sealed class BudgetEnforcementTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeOpenAiUpstream.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Call_ReservesWorstCase_ThenSettlesToTheRealCost_AndSaysSoInAHeader()
    {
        var gate = new TaskCompletionSource();
        _upstream.Behavior = _ => new WaitThen(gate.Task, FakeBehavior.Normal());
        await using var server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)));
        var (id, secret) = await CreateKeyAsync(server, "1/day");
        using var client = server.ClientWithKey(secret);

        var call = client.PostAsync("v1/chat/completions", Chat());
        var budget = await WaitForAsync(server, $"key:{id}", b => b["reserved_usd"]!.GetValue<decimal>() > 0);
        Assert.Equal(await WorstCaseAsync(), budget["reserved_usd"]!.GetValue<decimal>());
        gate.SetResult();
        using var response = await call;

        response.EnsureSuccessStatusCode();
        Assert.Equal(CompletionCost, decimal.Parse(response.Headers.GetValues("x-holdfast-cost-usd").Single(), CultureInfo.InvariantCulture));
        budget = await BudgetAsync(server, $"key:{id}");
        Assert.Equal((CompletionCost, 0m, 1m - CompletionCost),
            (budget["spent_usd"]!.GetValue<decimal>(), budget["reserved_usd"]!.GetValue<decimal>(), budget["remaining_usd"]!.GetValue<decimal>()));
        var record = Assert.Single(await server.WaitForUsageAsync(1));
        Assert.Equal(CompletionCost, record.CostUsd);
    }

    [Fact]
    public async Task RequestThatCannotFit_Gets429BudgetExceeded_NamingTheBudget_AndIsNotSent()
    {
        await using var server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)));
        var worst = await WorstCaseAsync();
        // Room for exactly three calls: the fourth's worst case no longer fits after three real costs.
        var limit = 3 * CompletionCost + worst - 0.000_000_001m;
        var (id, secret) = await CreateKeyAsync(server, limit.ToString(CultureInfo.InvariantCulture) + "/total");
        using var client = server.ClientWithKey(secret);
        for (var i = 0; i < 3; i++)
            (await client.PostAsync("v1/chat/completions", Chat())).EnsureSuccessStatusCode();

        using var refused = await client.PostAsync("v1/chat/completions", Chat());

        var error = await ErrorAssert.IsOpenAiError(refused, HttpStatusCode.TooManyRequests, "budget_exceeded");
        Assert.Equal("false", refused.Headers.GetValues("x-should-retry").Single());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains($"key:{id} (budgeted)", message, StringComparison.Ordinal);
        Assert.Contains("does not reset", message, StringComparison.Ordinal);
        Assert.Equal(3, _upstream.Received.Count);
        // A smaller request still fits: the rule is about this request's worst case.
        (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 1))).EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("day", "2026-11-14T23:50:00Z", "2026-11-15T00:00:00Z", "UTC")]
    [InlineData("month", "2026-11-30T23:50:00Z", "2026-12-01T00:00:00Z", "UTC")]
    [InlineData("week", "2026-11-29T22:50:00Z", "2026-11-29T23:00:00Z", "Europe/Berlin")]
    [InlineData("day", "2026-11-14T18:20:00Z", "2026-11-14T18:30:00Z", "Asia/Kolkata")]
    public async Task Budget_ResetsAtTheCalendarBoundary_OfItsTimeZone(string window, string start, string reset, string zone)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(start, CultureInfo.InvariantCulture));
        await using var server = await HoldfastTestServer.StartAsync(
            $"time_zone: {zone}\n" + HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)), time: clock);
        // Room for three calls of ten output tokens, not four.
        var limit = 2 * CompletionCost + await WorstCaseAsync(maxTokens: 10) + 0.000_01m;
        var (_, secret) = await CreateKeyAsync(server, $"{limit.ToString(CultureInfo.InvariantCulture)}/{window}");
        using var client = server.ClientWithKey(secret);
        var served = 0;
        HttpResponseMessage response;
        while ((response = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).IsSuccessStatusCode)
            served++;
        Assert.Equal(3, served);
        var error = await ErrorAssert.IsOpenAiError(response, HttpStatusCode.TooManyRequests, "budget_exceeded");
        Assert.Contains($"resets at {reset}", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(600, int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture));

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
            (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Budget_AfterRestart_IsLoadedFromTheStore()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 14, 12, 0, 0, TimeSpan.Zero));
        var yaml = "budgets:\n  routes:\n    a-route: 0.01/day\n" + HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl));
        var directory = Path.Combine(Path.GetTempPath(), "holdfast-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await HoldfastTestServer.StartAsync(yaml, time: clock, directory: directory))
            {
                var (_, secret) = await first.CreateKeyAsync();
                using var client = first.ClientWithKey(secret);
                for (var i = 0; i < 2; i++)
                    (await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10))).EnsureSuccessStatusCode();
                Assert.Equal(2 * CompletionCost, (await BudgetAsync(first, "route:a-route"))["spent_usd"]!.GetValue<decimal>());
            }
            await using var second = await HoldfastTestServer.StartAsync(yaml, time: clock, directory: directory);
            Assert.Equal(2 * CompletionCost, (await BudgetAsync(second, "route:a-route"))["spent_usd"]!.GetValue<decimal>());
            clock.Advance(TimeSpan.FromDays(1));
            Assert.Equal(0m, (await BudgetAsync(second, "route:a-route"))["spent_usd"]!.GetValue<decimal>());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitForAsync(HoldfastTestServer server, string scope, Func<System.Text.Json.Nodes.JsonObject, bool> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            var budget = await BudgetAsync(server, scope);
            if (condition(budget))
                return budget;
            await Task.Delay(10);
        }
        throw new TimeoutException($"budget {scope} never met the condition");
    }

    private sealed class WaitThen(Task gate, FakeBehavior then) : FakeBehavior
    {
        public override async Task ExecuteAsync(Microsoft.AspNetCore.Http.HttpContext context, FakeRequest request)
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(30));
            await then.ExecuteAsync(context, request);
        }
    }
}
