using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>A target's circuit opens, half-opens and closes as <c>/admin/providers</c> shows, on the server's clock.</summary>
public sealed class CircuitBreakerTests : IAsyncLifetime
{
    private const string Chat = """{"model":"r","messages":[{"role":"user","content":"hi"}]}""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private FakeOpenAiUpstream _a = null!;
    private FakeOpenAiUpstream _b = null!;
    private HoldfastTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeOpenAiUpstream.StartAsync();
        _b = await FakeOpenAiUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task StartAsync(bool withFallback = true, int attempts = 1)
    {
        var fallback = withFallback ? "      - provider: b\n        model: model-b\n" : "";
        var yaml = $"""
            providers:
              - name: a
                base_url: {_a.BaseUrl}
                circuit_breaker: {"{"} failures: 3, window: 1m, cooldown: 30s {"}"}
              - name: b
                base_url: {_b.BaseUrl}
            routes:
              - name: r
                retry: {"{"} attempts: {attempts}, backoff: 0s {"}"}
                targets:
                  - provider: a
                    model: model-a

            """ + fallback;
        _server = await HoldfastTestServer.StartAsync(yaml, time: _time);
        var (_, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    private Task<HttpResponseMessage> PostAsync() =>
        _client.PostAsync("v1/chat/completions", new StringContent(Chat, Encoding.UTF8, "application/json"));

    private async Task<JsonNode> TargetAAsync()
    {
        var report = JsonNode.Parse(await _server.Admin.GetStringAsync("admin/providers"))!["data"]!.AsArray();
        return report.Single(t => t!["target"]!.GetValue<string>() == "a/model-a")!;
    }

    [Fact]
    public async Task Circuit_OpensAfterNFailures_SkipsTheTarget_HalfOpensAfterCooldown_ClosesOnSuccess()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(500);

        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b", response.Headers.GetValues("x-holdfast-provider").Single());
        }
        Assert.Equal(3, _a.Received.Count);
        var open = await TargetAAsync();
        Assert.Equal("open", open["circuit"]!.GetValue<string>());
        Assert.Equal("down", open["status"]!.GetValue<string>());
        Assert.Equal(1, open["times_opened"]!.GetValue<long>());
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), open["retry_at"]!.GetValue<DateTimeOffset>());

        // Open: a is not called at all, b answers on the first attempt.
        using (var skipped = await PostAsync())
        {
            Assert.Equal("b", skipped.Headers.GetValues("x-holdfast-provider").Single());
            Assert.Equal("1", skipped.Headers.GetValues("x-holdfast-attempts").Single());
        }
        Assert.Equal(3, _a.Received.Count);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("open", (await TargetAAsync())["circuit"]!.GetValue<string>());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("half_open", (await TargetAAsync())["circuit"]!.GetValue<string>());

        // Half-open: one trial call; a has recovered, so the circuit closes.
        _a.Behavior = _ => FakeBehavior.Normal();
        using (var trial = await PostAsync())
            Assert.Equal("a", trial.Headers.GetValues("x-holdfast-provider").Single());
        Assert.Equal(4, _a.Received.Count);
        var closed = await TargetAAsync();
        Assert.Equal("closed", closed["circuit"]!.GetValue<string>());
        Assert.Equal("healthy", closed["status"]!.GetValue<string>());
        Assert.NotNull(closed["latency_ms"]);
    }

    [Fact]
    public async Task HalfOpen_TrialFailure_OpensTheCircuitAgain()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(503);
        for (var i = 0; i < 3; i++)
            (await PostAsync()).Dispose();
        _time.Advance(TimeSpan.FromSeconds(30));

        using (var trial = await PostAsync())
            Assert.Equal("b", trial.Headers.GetValues("x-holdfast-provider").Single());

        Assert.Equal(4, _a.Received.Count);
        var reopened = await TargetAAsync();
        Assert.Equal("open", reopened["circuit"]!.GetValue<string>());
        Assert.Equal(2, reopened["times_opened"]!.GetValue<long>());
    }

    [Fact]
    public async Task TheRequestsOwnErrors_DoNotOpenTheCircuit()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(400, OpenAiWire.ErrorBody("bad messages", "invalid_request_error"));
        for (var i = 0; i < 5; i++)
        {
            using var response = await PostAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(5, _a.Received.Count);
        Assert.Empty(_b.Received);
        var a = await TargetAAsync();
        Assert.Equal("closed", a["circuit"]!.GetValue<string>());
        Assert.Equal(0, a["failures"]!.GetValue<long>());
    }

    [Fact]
    public async Task AStreamBrokenAfterItReachedTheClient_CountsAsAFailure()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.CutStream(3);
        using (var response = await _client.PostAsync("v1/chat/completions",
                   new StringContent("""{"model":"r","stream":true,"messages":[]}""", Encoding.UTF8, "application/json")))
            Assert.Contains("stream_interrupted", await response.Content.ReadAsStringAsync());

        var a = await TargetAAsync();
        Assert.Equal(1, a["failures"]!.GetValue<long>());
        Assert.Contains("mid-stream", a["last_error"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailuresSpreadBeyondTheWindow_DoNotOpenTheCircuit()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(500);
        for (var i = 0; i < 5; i++)
        {
            (await PostAsync()).Dispose();
            _time.Advance(TimeSpan.FromSeconds(31));
        }

        Assert.Equal(5, _a.Received.Count);
        var a = await TargetAAsync();
        Assert.Equal("closed", a["circuit"]!.GetValue<string>());
        Assert.Equal(5, a["failures"]!.GetValue<long>());
        Assert.True(a["error_rate"]!.GetValue<double>() > 0.5);
        Assert.Equal("degraded", a["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task EveryTargetOpen_Is503WithRetryAfter_AtOnceEvenWithRetries(int attempts)
    {
        await StartAsync(withFallback: false, attempts);
        _a.Behavior = _ => FakeBehavior.Error(500);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            if (_a.Received.Count >= 3)
                break;
        }

        using var refused = await PostAsync();

        await ErrorAssert.IsOpenAiError(refused, HttpStatusCode.ServiceUnavailable, "no_healthy_target");
        Assert.Equal("30", refused.Headers.GetValues("retry-after").Single());
        Assert.Equal(3, _a.Received.Count);
    }
}
