using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Admin;

public sealed class AdminApiTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl), ("b", _upstream.BaseUrl)));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task AdminApi_WithoutOrWithWrongToken_Is401()
    {
        using (var none = await _server.Http.GetAsync("admin/keys"))
            await ErrorAssert.IsOpenAiError(none, HttpStatusCode.Unauthorized, "invalid_admin_token");
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "admin/keys");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var response = await _server.Http.SendAsync(wrong);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.Unauthorized, "invalid_admin_token");
    }

    [Fact]
    public async Task Keys_CreateListRevoke()
    {
        using var created = await _server.Admin.PostAsJsonAsync("admin/keys", new { name = "team-a", routes = new[] { "a-route" }, rpm = 100 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var id = key["id"]!.GetValue<string>();
        var secret = key["key"]!.GetValue<string>();
        Assert.StartsWith(key["prefix"]!.GetValue<string>(), secret);
        Assert.Equal("a-route", key["routes"]![0]!.GetValue<string>());

        var list = await _server.Admin.GetStringAsync("admin/keys");
        Assert.Contains(id, list);
        Assert.DoesNotContain(secret, list);

        using (var revoked = await _server.Admin.DeleteAsync($"admin/keys/{id}"))
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using (var again = await _server.Admin.DeleteAsync($"admin/keys/{id}"))
            await ErrorAssert.IsOpenAiError(again, HttpStatusCode.NotFound);
        var after = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/keys"))!["data"]![0]!;
        Assert.True(after["revoked"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("{\"routes\":[]}")]
    [InlineData("{\"name\":\"x\",\"rpm\":0}")]
    [InlineData("{\"name\":")]
    [InlineData("{\"name\":5}")]
    [InlineData("{\"name\":\"x\",\"budget\":\"lots/month\"}")]
    public async Task Keys_BadInput_Is400(string body)
    {
        using var response = await _server.Admin.PostAsync("admin/keys", new StringContent(body, Encoding.UTF8, "application/json"));
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task KeyBudget_IsSetChangedAndRemoved()
    {
        var (id, _) = await _server.CreateKeyAsync("team");
        using (var set = await _server.Admin.PutAsync($"admin/keys/{id}/budget", new StringContent("{\"budget\":\"5/day\",\"stream_cost\":true}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var key = JsonNode.Parse(await set.Content.ReadAsStringAsync())!;
            Assert.Equal(("5/day", true), (key["budget"]!.GetValue<string>(), key["stream_cost"]!.GetValue<bool>()));
        }
        var budgets = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray();
        var budget = Assert.Single(budgets)!;
        Assert.Equal(($"key:{id}", "team", 5m, "day"), (budget["scope"]!.GetValue<string>(), budget["name"]!.GetValue<string>(),
            budget["limit_usd"]!.GetValue<decimal>(), budget["window"]!.GetValue<string>()));

        using (var bad = await _server.Admin.PutAsync($"admin/keys/{id}/budget", new StringContent("{\"budget\":\"5/fortnight\"}", Encoding.UTF8, "application/json")))
            await ErrorAssert.IsOpenAiError(bad, HttpStatusCode.BadRequest);
        using (var missing = await _server.Admin.PutAsync("admin/keys/key_nope/budget", new StringContent("{\"budget\":null}", Encoding.UTF8, "application/json")))
            await ErrorAssert.IsOpenAiError(missing, HttpStatusCode.NotFound);
        using (var removed = await _server.Admin.PutAsync($"admin/keys/{id}/budget", new StringContent("{\"budget\":null}", Encoding.UTF8, "application/json")))
            Assert.Null(JsonNode.Parse(await removed.Content.ReadAsStringAsync())!["budget"]);
        Assert.Empty(JsonNode.Parse(await _server.Admin.GetStringAsync("admin/budgets"))!["data"]!.AsArray());
    }

    [Fact]
    public async Task Usage_GroupsByKeyRouteAndDay_AndTotalsMatchTheRecords()
    {
        var (idA, secretA) = await _server.CreateKeyAsync("a");
        var (idB, secretB) = await _server.CreateKeyAsync("b");
        using var clientA = _server.ClientWithKey(secretA);
        using var clientB = _server.ClientWithKey(secretB);
        for (var i = 0; i < 3; i++)
            (await clientA.PostAsync("v1/chat/completions", Json("a-route"))).EnsureSuccessStatusCode();
        (await clientB.PostAsync("v1/chat/completions", Json("b-route"))).EnsureSuccessStatusCode();
        await _server.WaitForUsageAsync(4);

        var byKey = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/usage?group_by=key"))!["data"]!.AsArray();
        var rowA = byKey.Single(r => r!["group"]!.GetValue<string>() == idA)!;
        Assert.Equal(3, rowA["requests"]!.GetValue<long>());
        Assert.Equal(3 * OpenAiWire.PromptTokens, rowA["prompt_tokens"]!.GetValue<long>());
        Assert.Equal(3 * (OpenAiWire.PromptTokens + OpenAiWire.CompletionTokens), rowA["total_tokens"]!.GetValue<long>());
        Assert.Equal(3 * 25m / 1_000_000m, rowA["cost_usd"]!.GetValue<decimal>());
        Assert.Equal(1, byKey.Single(r => r!["group"]!.GetValue<string>() == idB)!["requests"]!.GetValue<long>());

        var byRoute = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/usage?group_by=route"))!["data"]!.AsArray();
        Assert.Equal(["a-route", "b-route"], byRoute.Select(r => r!["group"]!.GetValue<string>()));

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var byDay = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/usage?group_by=day"))!["data"]!.AsArray();
        Assert.Equal(4, byDay.Single(r => r!["group"]!.GetValue<string>() == today)!["requests"]!.GetValue<long>());

        var empty = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/usage?group_by=day&from=2020-01-01&to=2020-01-02"))!["data"]!.AsArray();
        Assert.Empty(empty);
    }

    [Theory]
    [InlineData("group_by=provider-ish")]
    [InlineData("group_by=day&from=yesterday")]
    public async Task Usage_BadQuery_Is400(string query)
    {
        using var response = await _server.Admin.GetAsync($"admin/usage?{query}");
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ConfigReload_SwapsValidConfigAndRejectsInvalidOne()
    {
        var (_, secret) = await _server.CreateKeyAsync();
        using var client = _server.ClientWithKey(secret);
        var path = Path.Combine(_server.Directory, "holdfast.yaml");
        var original = await File.ReadAllTextAsync(path);

        await File.WriteAllTextAsync(path, original.Replace("a-route", "renamed-route"));
        using (var reload = await _server.Admin.PostAsync("admin/config/reload", null))
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Json("renamed-route"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("v1/chat/completions", Json("a-route"))).StatusCode);

        await File.WriteAllTextAsync(path, original + "\nunknown_thing: 1\n");
        using var rejected = await _server.Admin.PostAsync("admin/config/reload", null);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Contains("unknown_thing", await rejected.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1/chat/completions", Json("renamed-route"))).StatusCode);
    }

    private static StringContent Json(string model) =>
        new($"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}", Encoding.UTF8, "application/json");
}
