using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Proxy;

namespace Holdfast.Gateway.Caching;

/// <summary>
/// A cache the proxy consults before dispatching a request and offers the answer to afterwards.
/// Several can be registered; they are asked in registration order and the first hit answers.
/// Only routes a cache <see cref="AppliesTo"/> pay for a lookup.
/// </summary>
public interface IResponseCache
{
    /// <summary>Named in the <c>x-holdfast-cache-source</c> header of a hit.</summary>
    string Name { get; }

    /// <summary>Whether this cache serves the route at all; called on every request, so it must be cheap.</summary>
    bool AppliesTo(Route route);

    ValueTask<CacheHit?> LookupAsync(CacheRequest request, CancellationToken cancellationToken);

    /// <summary>Offers a complete, successful answer; the cache stores it (or not) without holding the request up.</summary>
    void Offer(CacheRequest request, CacheableAnswer answer);
}

/// <summary>A request as caches see it: the route, the endpoint and the client's body as sent.</summary>
public sealed class CacheRequest(Route route, ProxyEndpoint endpoint, ReadOnlyMemory<byte> body, ChatRequestFacts facts)
{
    private readonly Dictionary<string, object> _items = new(StringComparer.Ordinal);

    public Route Route { get; } = route;

    public ProxyEndpoint Endpoint { get; } = endpoint;

    public ReadOnlyMemory<byte> Body { get; } = body;

    public ChatRequestFacts Facts { get; } = facts;

    /// <summary>Where a cache keeps what it worked out in the lookup (a key, an embedding) for the offer.</summary>
    public IDictionary<string, object> Items => _items;
}

/// <summary>A stored answer: exactly the bytes a client was sent, and what producing them cost.</summary>
public sealed record CacheHit(string ContentType, ReadOnlyMemory<byte> Body, string? Provider, string? Model, TokenCounts Tokens);

/// <summary>An answer offered for caching: the bytes the client got, as they were sent.</summary>
public sealed record CacheableAnswer(string ContentType, byte[] Body, string Provider, string Model, TokenCounts Tokens);
