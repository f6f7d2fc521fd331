using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Internal;

/// <summary>
/// Calls the gateway from inside the process, through exactly the pipeline HTTP clients go through:
/// the key's routes, limits and budgets, routing and fallback, and metering all apply.
/// </summary>
public interface IGatewayInvoker
{
    /// <param name="openAiRequest">A <c>/v1/chat/completions</c> request body; <c>stream</c> must be false.</param>
    Task<GatewayResponse> ChatCompletionAsync(VirtualKey key, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken);

    /// <param name="openAiRequest">A <c>/v1/embeddings</c> request body.</param>
    Task<GatewayResponse> EmbeddingsAsync(VirtualKey key, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken);

    /// <summary>A chat completion on behalf of <paramref name="caller"/>: with its workflow and run set, the call also falls under their budgets and is recorded as theirs.</summary>
    Task<GatewayResponse> ChatCompletionAsync(InternalCaller caller, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken);

    /// <summary>Embeddings on behalf of <paramref name="caller"/> (see the chat overload).</summary>
    Task<GatewayResponse> EmbeddingsAsync(InternalCaller caller, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken);
}

/// <summary>The answer as a client would have seen it: status, OpenAI-shaped JSON body, request id.</summary>
public sealed record GatewayResponse(int Status, ReadOnlyMemory<byte> Body, string RequestId)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
