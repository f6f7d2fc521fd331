using System.Net.Http.Headers;
using System.Text;
using Holdfast.Core.Usage;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

public sealed class StreamingTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("openai", _upstream.BaseUrl)));
        var (_, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostStreamAsync(string body) =>
        _client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }, HttpCompletionOption.ResponseHeadersRead);

    [Fact]
    public async Task Stream_EventsReachClientBeforeUpstreamFinishes()
    {
        var firstChunksArrived = new TaskCompletionSource();
        _upstream.Behavior = _ => FakeBehavior.Gated(before: 2, firstChunksArrived.Task);

        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The upstream sends two events and then waits until the client has seen them.
        var first = await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(10));
        var second = await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"role\":\"assistant\"", first);
        Assert.Contains("w0 ", second);
        firstChunksArrived.SetResult();
        var rest = await reader.ReadToEndAsync();
        Assert.EndsWith("data: [DONE]\n\n", rest);
    }

    [Fact]
    public async Task Stream_WhenClientAskedForUsage_IsByteIdenticalToUpstream()
    {
        using var response = await PostStreamAsync(
            """{"model":"openai-route","stream":true,"stream_options":{"include_usage":true},"messages":[]}""");

        var body = await response.Content.ReadAsStringAsync();

        var expected = string.Concat(OpenAiWire.StreamEvents("openai-model", 5, includeUsage: true));
        Assert.Equal(expected, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Stream_WhenClientDidNotAskForUsage_HoldfastMetersItButHidesTheUsageChunk()
    {
        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"messages":[]}""");

        var body = await response.Content.ReadAsStringAsync();

        Assert.True(Assert.Single(_upstream.Received).Json!["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.DoesNotContain("\"choices\":[]", body);
        Assert.EndsWith("data: [DONE]\n\n", body);
        var expected = string.Concat(OpenAiWire.StreamEvents("openai-model", 5, includeUsage: true).Where(e => !e.Contains("\"choices\":[]")));
        Assert.Equal(expected, body);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(new TokenCounts(OpenAiWire.PromptTokens, 5, 0), record.Tokens);
    }

    [Fact]
    public async Task Stream_CutByUpstream_EndsWithErrorEventNotDone()
    {
        _upstream.Behavior = _ => FakeBehavior.CutStream(chunks: 3);

        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"messages":[]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("w1 ", body);
        Assert.DoesNotContain("[DONE]", body);
        var lastEvent = body.TrimEnd().Split("\n\n").Last();
        Assert.StartsWith("data: {\"error\":", lastEvent);
        Assert.Contains("stream_interrupted", lastEvent);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.StreamInterrupted, record.Outcome);
        Assert.True(record.Tokens.Estimated);
    }

    [Fact]
    public async Task Stream_UpstreamErrorBeforeFirstByte_IsAnHttpError()
    {
        _upstream.Behavior = _ => FakeBehavior.Error(400, OpenAiWire.ErrorBody("bad tool schema", "invalid_request_error", "invalid_value"));

        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"messages":[]}""");

        var error = await ErrorAssert.IsOpenAiError(response, System.Net.HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("bad tool schema", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_UpstreamInBandError_IsForwardedAndMeteredAsFailure()
    {
        const string stream = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n" +
                              "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n" +
                              "data: [DONE]\n\n";
        _upstream.Behavior = _ => FakeBehavior.Raw("text/event-stream", stream);

        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"messages":[]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("overloaded", body);
        Assert.DoesNotContain("[DONE]", body);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.UpstreamError, record.Outcome);
    }

    [Fact]
    public async Task Stream_KeepAliveCommentsAndCrLfFraming_PassThrough()
    {
        const string stream = ": keep-alive\r\n\r\n" +
                              "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\r\n\r\n" +
                              "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":null,\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\r\n\r\n" +
                              "data: [DONE]\r\n\r\n";
        _upstream.Behavior = _ => FakeBehavior.Raw("text/event-stream", stream);

        using var response = await PostStreamAsync("""{"model":"openai-route","stream":true,"stream_options":{"include_usage":true},"messages":[]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(stream, body);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(new TokenCounts(3, 1), record.Tokens);
    }

    private static async Task<string> ReadEventAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0 && text.Length > 0)
                return text.ToString();
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }
}
