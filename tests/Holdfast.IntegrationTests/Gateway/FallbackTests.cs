using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.Core.Usage;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>
/// Every upstream fault on the first target, with a healthy second one: the client sees a success
/// (or, once a stream has reached it, an in-band error), and the usage record tells what happened.
/// </summary>
public sealed class FallbackTests : IAsyncLifetime
{
    private const string Chat = """{"model":"r","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamChat = """{"model":"r","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private FakeOpenAiUpstream _a = null!;
    private FakeOpenAiUpstream _b = null!;
    private HoldfastTestServer? _server;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeOpenAiUpstream.StartAsync();
        _b = await FakeOpenAiUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    /// <summary>Route <c>r</c>: target a (at <paramref name="aUrl"/>, default the fake A) then b.</summary>
    private async Task StartAsync(string routeSettings = "", Uri? aUrl = null, string providerSettings = "timeout: 5s")
    {
        var yaml = $$"""
            providers:
              - name: a
                base_url: {{aUrl ?? _a.BaseUrl}}
            {{Indent(providerSettings, 4)}}
              - name: b
                base_url: {{_b.BaseUrl}}
            routes:
              - name: r
                targets:
                  - provider: a
                    model: model-a
                  - provider: b
                    model: model-b
            {{Indent(routeSettings, 4)}}
            prices:
              model-a: { input: 1, output: 1 }
              model-b: { input: 1, output: 1 }
            """;
        _server = await HoldfastTestServer.StartAsync(yaml);
        var (_, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => new string(' ', spaces) + line));

    private Task<HttpResponseMessage> PostAsync(string body) =>
        _client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task AssertServedByBAsync(HttpResponseMessage response, int attempts = 2)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("b", response.Headers.GetValues("x-holdfast-provider").Single());
        Assert.Equal(attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-holdfast-attempts").Single());
        var record = Assert.Single(await _server!.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.Success, record.Outcome);
        Assert.Equal("b", record.Provider);
        Assert.Equal(attempts, record.Attempts);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task ErrorStatus_FallsBackToTheNextTarget(int status)
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(status, headers: new Dictionary<string, string> { ["retry-after"] = "30" });

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
        Assert.Single(_a.Received);
        Assert.Contains(FakeBehavior.Completion, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlowFirstByte_PastTheTimeout_FallsBack()
    {
        await StartAsync("timeouts: { first_byte: 300ms }\nretry: { attempts: 1 }");
        _a.Behavior = _ => FakeBehavior.Normal(firstByteDelay: TimeSpan.FromSeconds(10));

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
    }

    [Fact]
    public async Task Hang_PastTheProvidersOwnTimeout_FallsBack()
    {
        await StartAsync(providerSettings: "timeout: 300ms");
        _a.Behavior = _ => FakeBehavior.Hang();

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response, attempts: 2);
    }

    [Fact]
    public async Task RefusedConnection_FallsBack()
    {
        using var closed = new ClosedPort();
        await StartAsync(aUrl: new Uri($"http://127.0.0.1:{closed.Port}/v1"));

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
    }

    [Fact]
    public async Task ConnectTimeout_FallsBack()
    {
        using var blackhole = await BlackholePort.StartAsync();
        await StartAsync("timeouts: { connect: 300ms }\nretry: { attempts: 1 }", aUrl: new Uri($"http://127.0.0.1:{blackhole.Port}/v1"));

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
        var providers = JsonNode.Parse(await _server!.Admin.GetStringAsync("admin/providers"))!["data"]!.AsArray();
        var a = providers.Single(p => p!["target"]!.GetValue<string>() == "a/model-a")!;
        Assert.Equal(1, a["failures"]!.GetValue<long>());
        Assert.Contains("did not answer in time", a["last_error"]!.GetValue<string>());
    }

    [Fact]
    public async Task MalformedJson_WithSuccessStatus_FallsBack()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Raw("application/json", """{"id":"x","choices":[{"message":""");

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
    }

    [Fact]
    public async Task Stream_CutBeforeContent_FallsBackUnseen()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.CutStream(1);

        using var response = await PostAsync(StreamChat);
        var body = await response.Content.ReadAsStringAsync();

        await AssertServedByBAsync(response);
        Assert.Equal(string.Concat(OpenAiWire.StreamEvents("model-b", 5, includeUsage: false)), body.Replace("\"usage\":null", "").Replace(",}", "}"));
        Assert.DoesNotContain("error", body);
    }

    [Fact]
    public async Task Stream_MalformedChunkBeforeContent_FallsBackUnseen()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Raw("text/event-stream", "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"x\"\n\n");

        using var response = await PostAsync(StreamChat);
        var body = await response.Content.ReadAsStringAsync();

        await AssertServedByBAsync(response);
        Assert.EndsWith("data: [DONE]\n\n", body);
    }

    [Fact]
    public async Task Stream_ErrorEventBeforeContent_FallsBackUnseen()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Raw("text/event-stream",
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n" +
            "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");

        using var response = await PostAsync(StreamChat);
        var body = await response.Content.ReadAsStringAsync();

        await AssertServedByBAsync(response);
        Assert.DoesNotContain("overloaded", body);
    }

    [Fact]
    public async Task Stream_CutAfterContent_EndsWithAnInBandError_AndTheRecordSaysSo()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.CutStream(3);

        using var response = await PostAsync(StreamChat);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("w0 ", body);
        Assert.Contains("\"code\":\"stream_interrupted\"", body);
        Assert.DoesNotContain("[DONE]", body);
        Assert.Empty(_b.Received);
        var record = Assert.Single(await _server!.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.StreamInterrupted, record.Outcome);
        Assert.Equal("a", record.Provider);
    }

    [Fact]
    public async Task Stream_HoldIsBoundedInTime_ThenEventsFlowAsTheyCome()
    {
        await StartAsync("stream_hold: { time: 200ms }");
        var gate = new TaskCompletionSource();
        _a.Behavior = _ => FakeBehavior.Gated(1, gate.Task);

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(StreamChat, Encoding.UTF8, "application/json") };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // Only the role chunk was sent before the gate: it arrives once the hold's time is up.
        var first = await reader.ReadLineAsync();
        Assert.Contains("\"role\":\"assistant\"", first);
        gate.SetResult();
        var rest = await reader.ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest);
        Assert.Empty(_b.Received);
    }

    [Fact]
    public async Task Stream_TotalTimeout_EndsALongStreamWithAnInBandError()
    {
        await StartAsync("timeouts: { total: 700ms }");
        _a.Behavior = _ => FakeBehavior.Normal(chunks: 100, chunkDelay: TimeSpan.FromMilliseconds(50));

        using var response = await PostAsync(StreamChat);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("w0 ", body);
        Assert.Contains("stream_interrupted", body);
        Assert.DoesNotContain("[DONE]", body);
        var record = Assert.Single(await _server!.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.StreamInterrupted, record.Outcome);
    }

    [Fact]
    public async Task AllTargetsFail_TheLastUpstreamAnswerReachesTheClient()
    {
        await StartAsync("retry: { attempts: 1 }");
        _a.Behavior = _ => FakeBehavior.Error(500);
        _b.Behavior = _ => FakeBehavior.Error(503, OpenAiWire.ErrorBody("b is overloaded", "server_error"), new Dictionary<string, string> { ["retry-after"] = "7" });

        using var response = await PostAsync(Chat);

        var error = await ErrorAssert.IsOpenAiError(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("b is overloaded", error["message"]!.GetValue<string>());
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        var record = Assert.Single(await _server!.WaitForUsageAsync(1));
        Assert.Equal(2, record.Attempts);
        Assert.Equal(UsageOutcome.UpstreamError, record.Outcome);
    }

    [Fact]
    public async Task Retry_WaitsAsLongAsRetryAfterMsSays_ThenSucceeds()
    {
        await StartAsync("retry: { attempts: 3, backoff: 10ms, max_backoff: 5s }");
        var calls = 0;
        FakeBehavior Busy() => FakeBehavior.Error(429, headers: new Dictionary<string, string> { ["retry-after-ms"] = "400" });
        _a.Behavior = _ => Interlocked.Increment(ref calls) == 1 ? Busy() : FakeBehavior.Normal();
        _b.Behavior = _ => Busy();

        using var response = await PostAsync(Chat);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a", response.Headers.GetValues("x-holdfast-provider").Single());
        Assert.Equal("3", response.Headers.GetValues("x-holdfast-attempts").Single());
        var received = _a.Received.ToArray();
        Assert.Equal(2, received.Length);
        Assert.True(received[1].ReceivedAt - received[0].ReceivedAt >= TimeSpan.FromMilliseconds(390),
            $"retried after {(received[1].ReceivedAt - received[0].ReceivedAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Retry_RetryAfterLongerThanMaxBackoff_IsNotWaitedFor()
    {
        await StartAsync("retry: { attempts: 3, max_backoff: 2s }");
        _a.Behavior = _ => FakeBehavior.Error(429, OpenAiWire.ErrorBody("slow down", "requests", "rate_limit_exceeded"),
            new Dictionary<string, string> { ["retry-after"] = "120" });
        _b.Behavior = _a.Behavior;

        using var response = await PostAsync(Chat);

        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal("120", response.Headers.GetValues("retry-after").Single());
        Assert.Single(_a.Received);
        Assert.Single(_b.Received);
    }

    [Fact]
    public async Task Retry_ShouldRetryFalse_IsNotRetried()
    {
        await StartAsync("retry: { attempts: 3, backoff: 10ms }");
        _a.Behavior = _ => FakeBehavior.Error(429, OpenAiWire.ErrorBody("quota", "insufficient_quota"),
            new Dictionary<string, string> { ["x-should-retry"] = "false" });
        _b.Behavior = _a.Behavior;

        using var response = await PostAsync(Chat);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Single(_a.Received);
    }

    [Fact]
    public async Task Retry_NonRetryableStatus_FallsBackButIsNotRetried()
    {
        await StartAsync("retry: { attempts: 3, backoff: 10ms, on_status: [503] }");
        _a.Behavior = _ => FakeBehavior.Error(500);
        _b.Behavior = _ => FakeBehavior.Error(500);

        using var response = await PostAsync(Chat);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Single(_a.Received);
        Assert.Single(_b.Received);
    }

    [Fact]
    public async Task Deadline_EndsTheRequestWhileTargetsHang()
    {
        await StartAsync("deadline: 500ms\nretry: { attempts: 5 }");
        _a.Behavior = _ => FakeBehavior.Hang();
        _b.Behavior = _ => FakeBehavior.Hang();

        using var response = await PostAsync(Chat);

        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
        Assert.Empty(_b.Received);
    }

    [Fact]
    public async Task RequestTheClientGetsIsTheSameWhateverTargetAnswers()
    {
        await StartAsync();
        _a.Behavior = _ => FakeBehavior.Error(500);

        using var response = await PostAsync(Chat);

        await AssertServedByBAsync(response);
        Assert.Equal("model-b", _b.Received.Single().Model);
        Assert.Equal("model-a", _a.Received.Single().Model);
    }
}
