using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>A key's requests/tokens per minute and concurrency, and a target's own limits, over real HTTP.</summary>
public sealed partial class RateLimitTests : IAsyncLifetime
{
    private const string Chat = """{"model":"r","messages":[{"role":"user","content":"hi"}]}""";

    private FakeOpenAiUpstream _a = null!;
    private FakeOpenAiUpstream _b = null!;
    private HoldfastTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeOpenAiUpstream.StartAsync();
        _b = await FakeOpenAiUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task StartAsync(string targetLimits = "")
    {
        var yaml = $"""
            providers:
              - name: a
                base_url: {_a.BaseUrl}
              - name: b
                base_url: {_b.BaseUrl}
            routes:
              - name: r
                targets:
                  - provider: a
                    model: model-a
            {targetLimits}
                  - provider: b
                    model: model-b
            """;
        _server = await HoldfastTestServer.StartAsync(yaml);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client) =>
        client.PostAsync("v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));

    [GeneratedRegex(@"^(\d+ms|(\d+h)?(\d+m)?\d+(\.\d+)?s)$")]
    private static partial Regex GoDuration();

    [Fact]
    public async Task SixtyFourParallelClients_OnA100RpmKey_ExactlyOneHundredSucceed_WithHeaders()
    {
        await StartAsync();
        var (_, key) = await _server.CreateKeyAsync(rpm: 100);
        var clients = Enumerable.Range(0, 64).Select(_ => _server.ClientWithKey(key)).ToArray();
        try
        {
            var next = -1;
            var results = await Task.WhenAll(clients.Select(async client =>
            {
                var mine = new List<(HttpStatusCode, HttpResponseMessage)>();
                while (Interlocked.Increment(ref next) < 256)
                {
                    var response = await PostAsync(client);
                    mine.Add((response.StatusCode, response));
                }
                return mine;
            }));
            var all = results.SelectMany(r => r).ToList();

            var ok = all.Where(r => r.Item1 == HttpStatusCode.OK).Select(r => r.Item2).ToList();
            var limited = all.Where(r => r.Item1 == HttpStatusCode.TooManyRequests).Select(r => r.Item2).ToList();
            Assert.Equal(100, ok.Count);
            Assert.Equal(156, limited.Count);
            Assert.Equal(100, _a.Received.Count);

            // Every success reports a distinct remaining count, 99 down to 0.
            Assert.Equal(Enumerable.Range(0, 100).Reverse(),
                ok.Select(r => int.Parse(r.Headers.GetValues("x-ratelimit-remaining-requests").Single(), System.Globalization.CultureInfo.InvariantCulture))
                    .OrderDescending());
            foreach (var response in ok.Concat(limited))
            {
                Assert.Equal("100", response.Headers.GetValues("x-ratelimit-limit-requests").Single());
                Assert.Matches(GoDuration(), response.Headers.GetValues("x-ratelimit-reset-requests").Single());
            }
            foreach (var response in limited)
            {
                Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
                var retryAfter = int.Parse(response.Headers.GetValues("retry-after").Single(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(retryAfter, 1, 60);
                var error = await ErrorAssert.IsOpenAiError(response, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
                Assert.Equal("requests", error["type"]!.GetValue<string>());
            }
            foreach (var (_, response) in all)
                response.Dispose();
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public async Task TokensPerMinute_RefusesOnceTheWindowsTokensAreSpent()
    {
        await StartAsync();
        var (_, key) = await _server.CreateKeyAsync(tpm: 30);
        using var client = _server.ClientWithKey(key);
        var perCall = OpenAiWire.PromptTokens + OpenAiWire.CompletionTokens;

        using (var first = await PostAsync(client))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("30", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());
            Assert.Equal("30", first.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
            Assert.Matches(GoDuration(), first.Headers.GetValues("x-ratelimit-reset-tokens").Single());
        }
        await _server.WaitForUsageAsync(1);
        using (var second = await PostAsync(client))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal((30 - perCall).ToString(System.Globalization.CultureInfo.InvariantCulture),
                second.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        }
        using var refused = await PostAsync(client);
        var error = await ErrorAssert.IsOpenAiError(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal("tokens", error["type"]!.GetValue<string>());
        Assert.Equal("0", refused.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.True(refused.Headers.Contains("retry-after"));
        Assert.Equal(2, _a.Received.Count);
    }

    [Fact]
    public async Task Concurrency_RefusesTheRequestOverTheLimit_AndFreesTheSlotWhenOneEnds()
    {
        await StartAsync();
        var (_, key) = await _server.CreateKeyAsync(concurrency: 1);
        using var client = _server.ClientWithKey(key);
        var gate = new TaskCompletionSource();
        _a.Behavior = _ => FakeBehavior.After(gate.Task, FakeBehavior.Normal());

        var held = PostAsync(client);
        await WaitUntilAsync(() => !_a.Received.IsEmpty);
        using (var refused = await PostAsync(client))
        {
            await ErrorAssert.IsOpenAiError(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            Assert.Equal("1", refused.Headers.GetValues("retry-after").Single());
        }
        gate.SetResult();
        using (var first = await held)
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var after = await PostAsync(client);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task TargetMaxConcurrent_QueuesBriefly_ThenFallsBack()
    {
        await StartAsync("        max_concurrent: 1\n        queue_timeout: 100ms");
        var (_, key) = await _server.CreateKeyAsync();
        using var client = _server.ClientWithKey(key);
        var gate = new TaskCompletionSource();
        _a.Behavior = _ => FakeBehavior.After(gate.Task, FakeBehavior.Normal());

        var held = PostAsync(client);
        await WaitUntilAsync(() => !_a.Received.IsEmpty);
        using (var second = await PostAsync(client))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("b", second.Headers.GetValues("x-holdfast-provider").Single());
        }
        gate.SetResult();
        using (var first = await held)
            Assert.Equal("a", first.Headers.GetValues("x-holdfast-provider").Single());
        var report = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/providers"))!["data"]!.AsArray();
        Assert.Equal(0, report.Single(t => t!["target"]!.GetValue<string>() == "a/model-a")!["in_flight"]!.GetValue<int>());
    }

    [Fact]
    public async Task TargetRpm_FullWindow_GoesToTheNextTarget()
    {
        await StartAsync("        rpm: 2\n        queue_timeout: 0s");
        var (_, key) = await _server.CreateKeyAsync();
        using var client = _server.ClientWithKey(key);

        var providers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await PostAsync(client);
            providers.Add(response.Headers.GetValues("x-holdfast-provider").Single());
        }

        Assert.Equal(["a", "a", "b", "b"], providers);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(10);
        }
    }
}
