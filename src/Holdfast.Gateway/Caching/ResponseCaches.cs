using Holdfast.Core.Routing;

namespace Holdfast.Gateway.Caching;

/// <summary>The registered <see cref="IResponseCache"/>s, asked in order.</summary>
public sealed class ResponseCaches(IEnumerable<IResponseCache> caches)
{
    private readonly IResponseCache[] _caches = caches.ToArray();

    public bool AnyAppliesTo(Route route)
    {
        foreach (var cache in _caches)
        {
            if (cache.AppliesTo(route))
                return true;
        }
        return false;
    }

    public async ValueTask<(CacheHit? Hit, string? Source)> LookupAsync(CacheRequest request, CancellationToken cancellationToken)
    {
        foreach (var cache in _caches)
        {
            if (cache.AppliesTo(request.Route) && await cache.LookupAsync(request, cancellationToken) is { } hit)
                return (hit, cache.Name);
        }
        return (null, null);
    }

    public void Offer(CacheRequest request, CacheableAnswer answer)
    {
        foreach (var cache in _caches)
        {
            if (cache.AppliesTo(request.Route))
                cache.Offer(request, answer);
        }
    }
}
