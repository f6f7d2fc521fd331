using System.Buffers;
using System.Text;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Forwarding;
using Holdfast.Gateway.OpenAi;

namespace Holdfast.Tests.Gateway;

public sealed class OpenAiPayloadReaderTests
{
    [Fact]
    public void UsageChunk_IsRecognised()
    {
        var json = """{"id":"x","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":4}}}"""u8;
        Assert.True(OpenAiPayloadReader.MayCarryUsageOrError(json));
        var payload = OpenAiPayloadReader.Read(json);
        Assert.True(payload.HasUsage);
        Assert.True(payload.ChoicesEmpty);
        Assert.Equal(new TokenCounts(10, 3, 4), payload.Usage);
    }

    [Fact]
    public void Usage_WithCacheWrites_ReadsThem()
    {
        var json = """{"choices":[],"usage":{"prompt_tokens":194,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":10,"cache_write_tokens":100,"audio_tokens":0}}}"""u8;
        Assert.Equal(new TokenCounts(194, 2, 10, CacheWritePrompt: 100), OpenAiPayloadReader.Read(json).Usage);
    }

    [Fact]
    public void ContentChunk_WithNullUsage_HasNoUsage()
    {
        var json = """{"choices":[{"index":0,"delta":{"content":"\"usage\":{\"error\":1}"}}],"usage":null}"""u8;
        Assert.False(OpenAiPayloadReader.MayCarryUsageOrError(json));
        var payload = OpenAiPayloadReader.Read(json);
        Assert.False(payload.HasUsage);
        Assert.False(payload.ChoicesEmpty);
        Assert.False(payload.IsError);
    }

    [Theory]
    [InlineData("""{"error":{"message":"x","type":"server_error"}}""")]
    [InlineData("""{"object":"error","message":"vllm style"}""")]
    public void ErrorPayloads_AreRecognised(string json) =>
        Assert.True(OpenAiPayloadReader.Read(Encoding.UTF8.GetBytes(json)).IsError);

    [Fact]
    public void SseEvents_SplitOnBlankLines_KeepingTerminators()
    {
        var buffer = new ReadOnlySequence<byte>("data: a\n\n: ping\r\n\r\ndata: b\n\ndata: partial"u8.ToArray());
        var events = new List<string>();
        while (SseEvents.TryTake(ref buffer, out var rawEvent))
            events.Add(Encoding.UTF8.GetString(rawEvent.ToArray()));
        Assert.Equal(["data: a\n\n", ": ping\r\n\r\n", "data: b\n\n"], events);
        Assert.Equal("data: partial", Encoding.UTF8.GetString(buffer.ToArray()));
        Assert.Equal("b", Encoding.UTF8.GetString(SseEvents.FirstData("event: x\ndata: b\r\n\r\n"u8)));
    }
}
