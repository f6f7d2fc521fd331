namespace Holdfast.Gateway.Proxy;

/// <summary>An OpenAI endpoint that is forwarded to openai-compatible providers.</summary>
public sealed record ProxyEndpoint(string Name, string UpstreamPath, bool SupportsStreaming)
{
    public static readonly ProxyEndpoint ChatCompletions = new("chat", "chat/completions", SupportsStreaming: true);

    public static readonly ProxyEndpoint Embeddings = new("embeddings", "embeddings", SupportsStreaming: false);
}
