using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Holdfast.Core.Usage;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using static Holdfast.IntegrationTests.Budgets.BudgetTestKit;

namespace Holdfast.IntegrationTests.Usage;

/// <summary><c>GET /admin/usage</c>: every grouping adds up to the usage records, with filters, CSV and the server's own cost.</summary>
public sealed class UsageReportTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private FakeOpenAiUpstream _failing = null!;
    private HoldfastTestServer _server = null!;
    private IReadOnlyList<UsageRecord> _records = [];
    private string _keyA = "";
    private string _from = "";
    private string _to = "";

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _failing = await FakeOpenAiUpstream.StartAsync();
        _failing.Behavior = _ => FakeBehavior.Error(500);
        _server = await HoldfastTestServer.StartAsync("server_cost: { per_hour: 0.012, currency: USD }\n" +
            HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl), ("b", _upstream.BaseUrl), ("c", _failing.BaseUrl)));
        var (keyA, secretA) = await _server.CreateKeyAsync("a");
        var (_, secretB) = await _server.CreateKeyAsync("b");
        _keyA = keyA;
        using var clientA = _server.ClientWithKey(secretA);
        using var clientB = _server.ClientWithKey(secretB);
        for (var i = 0; i < 4; i++)
            (await clientA.PostAsync("v1/chat/completions", Chat("a-route"))).EnsureSuccessStatusCode();
        (await clientA.PostAsync("v1/chat/completions", Chat("b-route", stream: true))).EnsureSuccessStatusCode();
        (await clientB.PostAsync("v1/chat/completions", Chat("b-route"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.InternalServerError, (await clientB.PostAsync("v1/chat/completions", Chat("c-route"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await clientB.PostAsync("v1/chat/completions", Chat("no-such-route"))).StatusCode);
        _records = await _server.WaitForUsageAsync(8);
        Assert.Equal(8, _records.Count);
        var now = DateTimeOffset.UtcNow;
        _from = now.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        _to = now.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [Theory]
    [InlineData("key")]
    [InlineData("route")]
    [InlineData("provider")]
    [InlineData("model")]
    [InlineData("hour")]
    [InlineData("day")]
    [InlineData("month")]
    public async Task EveryGrouping_AddsUpToTheRecords(string groupBy)
    {
        var report = await ReportAsync($"group_by={groupBy}&from={_from}&to={_to}");
        var rows = report["data"]!.AsArray().Select(r => r!).ToList();
        var total = report["total"]!;

        Assert.Equal(_records.Count, rows.Sum(r => r["requests"]!.GetValue<long>()));
        Assert.Equal(_records.Count, total["requests"]!.GetValue<long>());
        Assert.Equal(_records.Sum(r => r.CostUsd ?? 0), rows.Sum(r => r["cost_usd"]!.GetValue<decimal>()));
        Assert.Equal(_records.Sum(r => r.CostUsd ?? 0), total["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(_records.Count(r => r.Outcome != UsageOutcome.Success), total["errors"]!.GetValue<long>());
        Assert.Equal(_records.Sum(r => r.Tokens.Prompt), total["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(_records.Sum(r => r.Tokens.Completion), total["completion_tokens"]!.GetValue<long>());
        Assert.NotNull(total["latency_p50_ms"]);
        Assert.True(total["latency_p95_ms"]!.GetValue<double>() >= total["latency_p50_ms"]!.GetValue<double>());
        Assert.Equal(2.0 / 8, total["error_rate"]!.GetValue<double>());
    }

    [Fact]
    public async Task Filters_SelectTheirRecords()
    {
        var byModel = await ReportAsync($"group_by=model&key={_keyA}");
        var rows = byModel["data"]!.AsArray();
        Assert.Equal(["a-model", "b-model"], rows.Select(r => r!["group"]!.GetValue<string>()));
        Assert.Equal(4, rows[0]!["requests"]!.GetValue<long>());
        Assert.Equal(4 * CompletionCost, rows[0]!["cost_usd"]!.GetValue<decimal>());

        var provider = await ReportAsync("group_by=route&provider=c");
        Assert.Equal(1, Assert.Single(provider["data"]!.AsArray())!["errors"]!.GetValue<long>());

        var past = await ReportAsync("group_by=day&from=2020-01-01&to=2020-01-02");
        Assert.Empty(past["data"]!.AsArray());
        Assert.Equal(0, past["total"]!["requests"]!.GetValue<long>());
    }

    [Fact]
    public async Task ServerCost_IsAmortisedPerHourAndPerRequest()
    {
        var report = await ReportAsync($"group_by=key&from={_from}&to={_to}");
        var server = report["server_cost"]!;
        Assert.Equal(48, server["hours"]!.GetValue<double>());
        Assert.Equal(0.576m, server["total"]!.GetValue<decimal>());
        Assert.Equal(0.072m, server["per_request"]!.GetValue<decimal>());
        var total = report["total"]!;
        Assert.Equal(total["cost_usd"]!.GetValue<decimal>() + 0.576m, total["total_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(0.576m, report["data"]!.AsArray().Sum(r => r!["server_cost"]!.GetValue<decimal>()));

        var byHour = await ReportAsync($"group_by=hour&from={_from}&to={_to}");
        Assert.All(byHour["data"]!.AsArray(), row => Assert.Equal(0.012m, row!["server_cost"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task Csv_HasAHeaderARowPerGroupAndTheTotal()
    {
        using var response = await _server.Admin.GetAsync($"admin/usage?group_by=route&format=csv&from={_from}&to={_to}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("group,requests,errors,error_rate,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["a-route", "b-route", "c-route", "no-such-route", "total"], lines[1..].Select(l => l.Split(',')[0]));
        var total = lines[^1].Split(',');
        Assert.Equal("8", total[1]);
        Assert.Equal(_records.Sum(r => r.CostUsd ?? 0), decimal.Parse(total[9], CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("group_by=week")]
    [InlineData("group_by=key&format=xml")]
    [InlineData("group_by=key&to=soon")]
    public async Task BadQuery_Is400(string query)
    {
        using var response = await _server.Admin.GetAsync($"admin/usage?{query}");
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadRequest);
    }

    private async Task<JsonNode> ReportAsync(string query) => JsonNode.Parse(await _server.Admin.GetStringAsync($"admin/usage?{query}"))!;
}
