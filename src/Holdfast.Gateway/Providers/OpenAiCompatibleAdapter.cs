using System.Collections.Concurrent;
using System.Net.Sockets;
using Holdfast.Core.Configuration;

namespace Holdfast.Gateway.Providers;

/// <summary>
/// Providers that speak OpenAI's API (OpenAI, Azure OpenAI, vLLM, Ollama, OpenRouter, …): the body
/// is sent as it is, over one shared, pooled connection handler. Returns failures as values so the
/// caller can decide to fall back, and never buffers a response body.
/// </summary>
public sealed class OpenAiCompatibleAdapter : IProviderAdapter, IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly ConcurrentDictionary<(ProviderConfig, string), Uri> _uris = new();

    public OpenAiCompatibleAdapter()
    {
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = null,
        }, disposeHandler: true);
    }

    public string Type => ProviderTypes.OpenAiCompatible;

    public WireProtocol Protocol => WireProtocol.OpenAi;

    public async Task<UpstreamResult> SendAsync(ProviderRequest request, CancellationToken cancellationToken)
    {
        var provider = request.Provider;
        using var message = new HttpRequestMessage(HttpMethod.Post, UriFor(provider, request.Path))
        {
            Content = new PooledBufferContent(request.Body),
        };
        if (!string.IsNullOrEmpty(provider.ApiKey))
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + provider.ApiKey);

        var clientAborted = cancellationToken;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        timeout.CancelAfter(provider.Timeout);
        try
        {
            var response = await _invoker.SendAsync(message, timeout.Token).ConfigureAwait(false);
            return new UpstreamResult(response, UpstreamFailure.None);
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            return new UpstreamResult(null, UpstreamFailure.ClientClosed);
        }
        catch (OperationCanceledException)
        {
            return new UpstreamResult(null, UpstreamFailure.Timeout);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError ||
                                             e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound })
        {
            return new UpstreamResult(null, UpstreamFailure.Refused, e.HttpRequestError.ToString());
        }
        catch (HttpRequestException e)
        {
            return new UpstreamResult(null, UpstreamFailure.Protocol, e.HttpRequestError.ToString());
        }
    }

    private Uri UriFor(ProviderConfig provider, string path) =>
        _uris.GetOrAdd((provider, path), static key =>
            new Uri(key.Item1.BaseUrl!.ToString().TrimEnd('/') + "/" + key.Item2, UriKind.Absolute));

    public void Dispose() => _invoker.Dispose();
}
