using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Holdfast.Core.Usage;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>Every kind of bad input and upstream failure gets the right status and the OpenAI error shape.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private const string Chat = """{"model":"openai-route","messages":[{"role":"user","content":"hi"}]}""";

    private FakeOpenAiUpstream _upstream = null!;
    private ClosedPort _deadPort = null!;
    private HoldfastTestServer _server = null!;
    private string _keyId = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _deadPort = new ClosedPort();
        var closedPort = new Uri($"http://127.0.0.1:{_deadPort.Port}/v1");
        var yaml = HoldfastTestServer.ConfigFor(("openai", _upstream.BaseUrl), ("dead", closedPort)) +
                   "server:\n  max_body_bytes: 2000\n" +
                   "  shutdown_timeout: 1s\n";
        yaml = yaml.Replace("routes:\n", "routes:\n  - name: fallback-route\n    targets:\n      - provider: dead\n        model: m1\n      - provider: openai\n        model: m2\n");
        _server = await HoldfastTestServer.StartAsync(yaml);
        string key;
        (_keyId, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
        _deadPort.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(string body, HttpClient? client = null) =>
        (client ?? _client).PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("{\"model\":\"openai-route\",", "invalid_json")]
    [InlineData("not json at all", "invalid_json")]
    [InlineData("[1,2,3]", null)]
    [InlineData("{\"model\":\"openai-route\"} trailing", "invalid_json")]
    [InlineData("", null)]
    public async Task MalformedBody_Is400(string body, string? code)
    {
        using var response = await PostAsync(body);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadRequest, code);
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task MissingModel_Is400NamingTheParam()
    {
        using var response = await PostAsync("""{"messages":[]}""");
        var error = await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadRequest, "missing_required_parameter");
        Assert.Equal("model", error["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task WrongTypes_Are400()
    {
        using var model = await PostAsync("""{"model":42,"messages":[]}""");
        await ErrorAssert.IsOpenAiError(model, HttpStatusCode.BadRequest);
        using var stream = await PostAsync("""{"model":"openai-route","stream":"yes","messages":[]}""");
        await ErrorAssert.IsOpenAiError(stream, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownRoute_Is404ModelNotFound()
    {
        using var response = await PostAsync("""{"model":"no-such-route","messages":[]}""");
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task NoKey_WrongKey_RevokedKey_Are401()
    {
        using (var noKey = await PostAsync(Chat, _server.Http))
            await ErrorAssert.IsOpenAiError(noKey, HttpStatusCode.Unauthorized, "invalid_api_key");
        using (var wrong = _server.ClientWithKey("hf_wrong"))
        using (var response = await PostAsync(Chat, wrong))
            await ErrorAssert.IsOpenAiError(response, HttpStatusCode.Unauthorized, "invalid_api_key");

        var (id, secret) = await _server.CreateKeyAsync("to-revoke");
        using var revokedClient = _server.ClientWithKey(secret);
        using (var before = await PostAsync(Chat, revokedClient))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        using (var revoke = await _server.Admin.DeleteAsync($"admin/keys/{id}"))
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var after = await PostAsync(Chat, revokedClient);
        var error = await ErrorAssert.IsOpenAiError(after, HttpStatusCode.Unauthorized, "invalid_api_key");
        Assert.Contains("revoked", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyLimitedToOtherRoutes_Is403()
    {
        var (_, secret) = await _server.CreateKeyAsync("narrow", routes: ["fallback-route"]);
        using var client = _server.ClientWithKey(secret);
        using var response = await PostAsync(Chat, client);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.Forbidden, "model_not_allowed");
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var big = "{\"model\":\"openai-route\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 5000) + "\"}]}";
        using var response = await PostAsync(big);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");

        // Without Content-Length (chunked), the limit holds too.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await _client.SendAsync(request);
        await ErrorAssert.IsOpenAiError(chunkedResponse, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task Upstream500_IsPassedOnWithItsBody()
    {
        _upstream.Behavior = _ => FakeBehavior.Error(500, OpenAiWire.ErrorBody("upstream broke", "server_error", "boom"));
        using var response = await PostAsync(Chat);
        var error = await ErrorAssert.IsOpenAiError(response, HttpStatusCode.InternalServerError, "boom");
        Assert.Equal("upstream broke", error["message"]!.GetValue<string>());
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.UpstreamError, record.Outcome);
        Assert.Equal(500, record.Status);
    }

    [Fact]
    public async Task Upstream429_KeepsStatusAndRetryAfter()
    {
        _upstream.Behavior = _ => FakeBehavior.Error(429, OpenAiWire.ErrorBody("slow down", "requests", "rate_limit_exceeded"),
            new Dictionary<string, string> { ["retry-after"] = "7", ["x-ratelimit-remaining-requests"] = "0" });
        using var response = await PostAsync(Chat);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal("7", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [Fact]
    public async Task UpstreamNonJsonError_IsWrappedInOpenAiShape()
    {
        _upstream.Behavior = _ => FakeBehavior.Raw("text/html", "<html>Bad Gateway</html>", 502);
        using var response = await PostAsync(Chat);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadGateway, "upstream_error");
    }

    [Fact]
    public async Task UpstreamHangs_Is504AfterTheProviderTimeout()
    {
        _upstream.Behavior = _ => FakeBehavior.Hang();
        using var response = await PostAsync(Chat);
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.GatewayTimeout, "upstream_timeout");
    }

    [Fact]
    public async Task UpstreamRefusesConnection_Is502()
    {
        using var response = await PostAsync("""{"model":"dead-route","messages":[]}""");
        await ErrorAssert.IsOpenAiError(response, HttpStatusCode.BadGateway, "upstream_unreachable");
    }

    [Fact]
    public async Task RefusedFirstTarget_FallsBackToTheNext()
    {
        using var response = await PostAsync("""{"model":"fallback-route","messages":[]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("x-holdfast-attempts").Single());
        Assert.Equal("m2", Assert.Single(_upstream.Received).Model);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(2, record.Attempts);
        Assert.Equal("openai", record.Provider);
    }

    [Fact]
    public async Task KeyOverItsRpm_Is429WithRetryAfterAndRateLimitHeaders()
    {
        var (_, secret) = await _server.CreateKeyAsync("slow", rpm: 2);
        using var client = _server.ClientWithKey(secret);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await PostAsync(Chat, client);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var limited = await PostAsync(Chat, client);
        await ErrorAssert.IsOpenAiError(limited, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.True(int.Parse(limited.Headers.GetValues("retry-after").Single()) is > 0 and <= 60);
        Assert.Equal("2", limited.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("0", limited.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Matches("^[0-9hms.]+$", limited.Headers.GetValues("x-ratelimit-reset-requests").Single());
    }

    [Fact]
    public async Task UnknownEndpointAndWrongMethod_HaveTheErrorShape()
    {
        using var missing = await _client.GetAsync("v1/nothing-here");
        await ErrorAssert.IsOpenAiError(missing, HttpStatusCode.NotFound);
        using var wrongMethod = await _client.GetAsync("v1/chat/completions");
        await ErrorAssert.IsOpenAiError(wrongMethod, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task RequestId_IsReturnedAndAClientOneIsKept()
    {
        using var generated = await PostAsync(Chat);
        Assert.StartsWith("req_", generated.Headers.GetValues("x-request-id").Single());

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(Chat) };
        request.Headers.Add("x-request-id", "my-trace-123");
        using var kept = await _client.SendAsync(request);
        Assert.Equal("my-trace-123", kept.Headers.GetValues("x-request-id").Single());
        var records = await _server.WaitForUsageAsync(2);
        Assert.Contains(records, r => r.RequestId == "my-trace-123" && r.KeyId == _keyId);
    }
}
