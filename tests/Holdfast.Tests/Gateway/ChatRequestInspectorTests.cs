using System.Text;
using Holdfast.Gateway.OpenAi;

namespace Holdfast.Tests.Gateway;

public sealed class ChatRequestInspectorTests
{
    private static (ChatRequestFacts Facts, Holdfast.Gateway.Errors.GatewayError? Error) Inspect(string json)
    {
        var facts = new ChatRequestFacts();
        var error = ChatRequestInspector.Inspect(Encoding.UTF8.GetBytes(json), facts);
        return (facts, error);
    }

    [Fact]
    public void ReadsModelStreamOptionsAndMaxTokens()
    {
        var (facts, error) = Inspect("""{"messages":[{"role":"user","content":"{\"model\":\"x\"}"}],"model":"gpt-fast","stream":true,"stream_options":{"include_usage":true},"max_tokens":50,"max_completion_tokens":70}""");

        Assert.Null(error);
        Assert.Equal("gpt-fast", facts.Model);
        Assert.True(facts.Stream);
        Assert.True(facts.ClientWantsStreamUsage);
        Assert.Equal(70, facts.MaxTokens);
    }

    [Theory]
    [InlineData("{\"model\":\"m\"")]
    [InlineData("{\"model\":\"m\",}")]
    [InlineData("{\"model\":\"m\"}{}")]
    [InlineData("nope")]
    public void MalformedJson_IsInvalidJson(string json) => Assert.Equal("invalid_json", Inspect(json).Error?.Code);

    [Theory]
    [InlineData("[]", null)]
    [InlineData("{}", "model")]
    [InlineData("{\"model\":null}", "model")]
    [InlineData("{\"model\":\"m\",\"stream\":1}", "stream")]
    [InlineData("{\"model\":\"m\",\"stream_options\":[]}", "stream_options")]
    [InlineData("{\"model\":\"m\",\"max_tokens\":-1}", "max_tokens")]
    public void WrongShapes_NameTheParam(string json, string? param)
    {
        var error = Inspect(json).Error;
        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(param, error.Param);
    }
}
