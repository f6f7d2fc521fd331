using System.Text;
using System.Text.Json.Nodes;
using Holdfast.Gateway.OpenAi;

namespace Holdfast.Tests.Gateway;

public sealed class UpstreamRequestWriterTests
{
    private static string Rewrite(string json, string model = "gpt-4o-mini", bool requestUsage = true)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var facts = new ChatRequestFacts();
        Assert.Null(ChatRequestInspector.Inspect(bytes, facts));
        using var output = UpstreamRequestWriter.Write(bytes, facts, model, requestUsage);
        return Encoding.UTF8.GetString(output.Span);
    }

    [Fact]
    public void NonStream_OnlyTheModelChanges()
    {
        const string original = """{ "model" : "gpt-fast", "messages": [ {"role":"user","content":"héllo \"model\""} ], "temperature": 0.2 }""";
        Assert.Equal(original.Replace("\"gpt-fast\"", "\"gpt-4o-mini\""), Rewrite(original));
    }

    [Fact]
    public void Stream_WithoutOptions_GetsIncludeUsage()
    {
        var result = JsonNode.Parse(Rewrite("""{"stream":true,"model":"r","messages":[]}"""))!;
        Assert.True(result["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("gpt-4o-mini", result["model"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"model":"r","stream":true,"stream_options":{}}""")]
    [InlineData("""{"model":"r","stream":true,"stream_options":{"include_obfuscation":false}}""")]
    [InlineData("""{"stream_options":{"include_usage":false},"model":"r","stream":true}""")]
    [InlineData("""{"model":"r","stream":true,"stream_options":{"include_usage":null}}""")]
    public void Stream_WithOptions_KeepsThemAndTurnsUsageOn(string json)
    {
        var result = JsonNode.Parse(Rewrite(json))!;
        Assert.True(result["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("gpt-4o-mini", result["model"]!.GetValue<string>());
        if (json.Contains("include_obfuscation", StringComparison.Ordinal))
            Assert.False(result["stream_options"]!["include_obfuscation"]!.GetValue<bool>());
    }

    [Fact]
    public void ModelNeedingEscapes_IsEncoded()
    {
        var result = JsonNode.Parse(Rewrite("""{"model":"r"}""", model: "org/model \"q\""))!;
        Assert.Equal("org/model \"q\"", result["model"]!.GetValue<string>());
    }
}
