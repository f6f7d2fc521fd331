using Holdfast.Gateway.OpenAi;

namespace Holdfast.Tests.Gateway;

public sealed class StreamChunkTests
{
    [Theory]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""", ChunkKind.Empty)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{"refusal":"no"}}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}""", ChunkKind.Empty)]
    [InlineData("""{"choices":null,"usage":{"prompt_tokens":1}}""", ChunkKind.Empty)]
    [InlineData("""{"error":{"message":"overloaded","type":"server_error"}}""", ChunkKind.Error)]
    [InlineData("""{"object":"error","message":"boom"}""", ChunkKind.Error)]
    [InlineData("""{"error":null,"choices":[{"delta":{"content":"x"}}]}""", ChunkKind.Content)]
    [InlineData("""{"choices":[{"delta":{"content":"x"}}""", ChunkKind.Invalid)]
    [InlineData("""{"choices":[]} trailing""", ChunkKind.Invalid)]
    [InlineData("""[1,2]""", ChunkKind.Invalid)]
    public void Classify_TellsContentFromEverythingElse(string json, ChunkKind expected) =>
        Assert.Equal(expected, OpenAiChunkReader.Classify(System.Text.Encoding.UTF8.GetBytes(json)));
}
