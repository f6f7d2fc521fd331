using Holdfast.Core.Ids;
using Holdfast.Core.Keys;
using Holdfast.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Internal;

/// <summary>Runs <see cref="ProxyHandler"/> on an in-memory request, as if it had come over HTTP.</summary>
public sealed class GatewayInvoker(ProxyHandler proxy, IServiceProvider services, TimeProvider time) : IGatewayInvoker
{
    public Task<GatewayResponse> ChatCompletionAsync(VirtualKey key, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken) =>
        ChatCompletionAsync(new InternalCaller(key), openAiRequest, cancellationToken);

    public Task<GatewayResponse> EmbeddingsAsync(VirtualKey key, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken) =>
        EmbeddingsAsync(new InternalCaller(key), openAiRequest, cancellationToken);

    public Task<GatewayResponse> ChatCompletionAsync(InternalCaller caller, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken) =>
        InvokeAsync(ProxyEndpoint.ChatCompletions, "/v1/chat/completions", caller, openAiRequest, cancellationToken);

    public Task<GatewayResponse> EmbeddingsAsync(InternalCaller caller, ReadOnlyMemory<byte> openAiRequest, CancellationToken cancellationToken) =>
        InvokeAsync(ProxyEndpoint.Embeddings, "/v1/embeddings", caller, openAiRequest, cancellationToken);

    private async Task<GatewayResponse> InvokeAsync(
        ProxyEndpoint endpoint, string path, InternalCaller caller, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        context.TraceIdentifier = Ids.New("req", time.GetUtcNow());
        context.Features.Set(caller);
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Path = path;
        request.ContentType = "application/json";
        request.ContentLength = body.Length;
        request.Body = new MemoryStream(body.ToArray(), writable: false);
        using var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        await proxy.HandleAsync(context, endpoint);
        await context.Response.CompleteAsync();
        return new GatewayResponse(context.Response.StatusCode, responseBody.ToArray(), context.TraceIdentifier);
    }
}
