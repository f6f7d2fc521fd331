using System.Text;
using Holdfast.Gateway.Caching;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Proxy;

namespace Holdfast.Tests.Gateway;

public sealed class ExactCacheKeyTests
{
    private static string Key(string json, ProxyEndpoint? endpoint = null, string route = "r")
    {
        var body = Encoding.UTF8.GetBytes(json);
        var facts = new ChatRequestFacts();
        Assert.Null(ChatRequestInspector.Inspect(body, facts));
        return ExactCacheKey.Compute(endpoint ?? ProxyEndpoint.ChatCompletions, route, body, facts);
    }

    private const string Base = """{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2}""";

    [Theory]
    [InlineData("""{ "temperature": 0.2, "messages": [ { "content": "hi", "role": "user" } ], "model": "r" }""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"user":"alice","metadata":{"a":"b"}}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"stream":false,"store":true}""")]
    public void SameRequestInAnotherForm_HasTheSameKey(string json) => Assert.Equal(Key(Base), Key(json));

    [Theory]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.3}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"Hi"}],"temperature":0.2}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"seed":1}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"tools":[]}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"stream":true}""")]
    [InlineData("""{"model":"r","messages":[{"role":"user","content":"hi"}],"temperature":0.2,"stream":true,"stream_options":{"include_usage":true}}""")]
    public void AnythingThatChangesTheAnswerOrItsForm_ChangesTheKey(string json) => Assert.NotEqual(Key(Base), Key(json));

    [Fact]
    public void RouteAndEndpoint_AreInTheKey()
    {
        Assert.NotEqual(Key(Base), Key(Base, route: "other"));
        Assert.NotEqual(Key(Base), Key(Base, ProxyEndpoint.Embeddings));
    }

    [Fact]
    public void MessageOrder_Matters()
    {
        const string twoTurns = """{"model":"r","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""";
        const string swapped = """{"model":"r","messages":[{"role":"user","content":"b"},{"role":"user","content":"a"}]}""";
        Assert.NotEqual(Key(twoTurns), Key(swapped));
    }
}
