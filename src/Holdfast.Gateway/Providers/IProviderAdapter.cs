using Holdfast.Core.Configuration;
using Holdfast.Gateway.Http;

namespace Holdfast.Gateway.Providers;

/// <summary>
/// One kind of provider (a <c>type:</c> in the config). It takes a request already in its own
/// <see cref="Protocol"/> and returns the provider's answer in that protocol, as an HTTP response
/// whose body is streamed, never buffered. Failures are values, not exceptions.
/// </summary>
public interface IProviderAdapter
{
    /// <summary>The config <c>type</c> this adapter serves.</summary>
    string Type { get; }

    WireProtocol Protocol { get; }

    Task<UpstreamResult> SendAsync(ProviderRequest request, CancellationToken cancellationToken);
}

/// <param name="Path">The endpoint under the provider's base URL, e.g. <c>chat/completions</c>.</param>
/// <param name="Body">The request body in the adapter's protocol, model already set to the target's.</param>
public sealed record ProviderRequest(ProviderConfig Provider, string Path, PooledBuffer Body)
{
    /// <summary>The target's upstream model (Azure deployment URLs carry it in the path).</summary>
    public string? Model { get; init; }

    /// <summary>Longest wait for a connection; the provider's <c>connect_timeout</c> when unset.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Longest wait for the response headers; the provider's <c>timeout</c> when unset.</summary>
    public TimeSpan? FirstByteTimeout { get; init; }
}
