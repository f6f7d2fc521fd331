using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Holdfast.Core.Configuration;

namespace Holdfast.Gateway.Providers;

/// <summary>
/// Providers that speak OpenAI's API (OpenAI, Azure OpenAI, vLLM, Ollama, OpenRouter, …): the body
/// is sent as it is, over one shared, pooled connection handler, with the provider's credential
/// (as <c>Authorization: Bearer</c> or Azure's <c>api-key</c>), its extra headers, and for Azure its
/// <c>api-version</c> and deployment URL. Returns failures as values so the caller can decide to
/// fall back, and never buffers a response body.
/// </summary>
public sealed class OpenAiCompatibleAdapter : IProviderAdapter, IDisposable
{
    private static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("holdfast.connect-timeout");
    private static readonly TimeSpan DefaultConnectTimeout = new ProviderConfig().ConnectTimeout;

    private readonly HttpMessageInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(ProviderConfig, string, string?), Uri> _uris = new(UriKeyComparer.Instance);

    public OpenAiCompatibleAdapter(TimeProvider time)
    {
        _time = time;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
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
        using var message = new HttpRequestMessage(HttpMethod.Post, UriFor(provider, request.Path, request.Model))
        {
            Content = new PooledBufferContent(request.Body),
        };
        if (!string.IsNullOrEmpty(provider.ApiKey))
        {
            if (provider.AuthHeader == ProviderAuthHeaders.ApiKey)
                message.Headers.TryAddWithoutValidation("api-key", provider.ApiKey);
            else
                message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + provider.ApiKey);
        }
        if (provider.Headers.Count > 0)
        {
            foreach (var (name, value) in provider.Headers)
                message.Headers.TryAddWithoutValidation(name, value);
        }
        var connectTimeout = request.ConnectTimeout ?? provider.ConnectTimeout;
        // Connections are made rarely; the options dictionary is only worth allocating when it says something.
        if (connectTimeout != DefaultConnectTimeout)
            message.Options.Set(ConnectTimeoutKey, connectTimeout);

        using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = CancelAfter(firstByte, request.FirstByteTimeout ?? provider.Timeout);
        try
        {
            var response = await _invoker.SendAsync(message, firstByte.Token).ConfigureAwait(false);
            return new UpstreamResult(response, UpstreamFailure.None);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new UpstreamResult(null, UpstreamFailure.ClientClosed);
        }
        catch (OperationCanceledException)
        {
            return new UpstreamResult(null, UpstreamFailure.Timeout);
        }
        catch (HttpRequestException e) when (e.InnerException is TimeoutException)
        {
            return new UpstreamResult(null, UpstreamFailure.Timeout, "connect timeout");
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

    /// <summary>Connects with the request's own connect timeout; a timeout surfaces as a <see cref="TimeoutException"/>.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var value) ? value : DefaultConnectTimeout;
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = CancelAfter(connect, timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, connect.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"No connection within {timeout.TotalMilliseconds} ms.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> on the configured clock (the system one without a timer object).</summary>
    private ITimer? CancelAfter(CancellationTokenSource source, TimeSpan delay)
    {
        if (ReferenceEquals(_time, TimeProvider.System))
        {
            source.CancelAfter(delay);
            return null;
        }
        return _time.CreateTimer(static s => CancelQuietly((CancellationTokenSource)s!), source, delay, Timeout.InfiniteTimeSpan);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished just as the time ran out.
        }
    }

    private Uri UriFor(ProviderConfig provider, string path, string? model) =>
        _uris.GetOrAdd((provider, path, provider.DeploymentUrls ? model : null), static key =>
        {
            var (provider, path, deployment) = key;
            var url = provider.BaseUrl!.ToString().TrimEnd('/');
            if (deployment is not null)
                url += "/deployments/" + Uri.EscapeDataString(deployment);
            url += "/" + path;
            if (!string.IsNullOrEmpty(provider.ApiVersion))
                url += "?api-version=" + Uri.EscapeDataString(provider.ApiVersion);
            return new Uri(url, UriKind.Absolute);
        });

    public void Dispose() => _invoker.Dispose();

    /// <summary>Providers by reference: a config record's value hash walks all its fields, on every call.</summary>
    private sealed class UriKeyComparer : IEqualityComparer<(ProviderConfig Provider, string Path, string? Deployment)>
    {
        public static readonly UriKeyComparer Instance = new();

        public bool Equals((ProviderConfig Provider, string Path, string? Deployment) x, (ProviderConfig Provider, string Path, string? Deployment) y) =>
            ReferenceEquals(x.Provider, y.Provider) && string.Equals(x.Path, y.Path, StringComparison.Ordinal) &&
            string.Equals(x.Deployment, y.Deployment, StringComparison.Ordinal);

        public int GetHashCode((ProviderConfig Provider, string Path, string? Deployment) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Provider), StringComparer.Ordinal.GetHashCode(key.Path),
                key.Deployment is null ? 0 : StringComparer.Ordinal.GetHashCode(key.Deployment));
    }
}
