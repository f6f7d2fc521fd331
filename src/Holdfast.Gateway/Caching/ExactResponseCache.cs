using System.Threading.Channels;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Storage;

namespace Holdfast.Gateway.Caching;

/// <summary>
/// The opt-in exact-match cache (<c>cache:</c> on a route), kept in the store so it survives
/// restarts and is shared by the nodes of a cluster. Lookups read the store; answers are written by
/// <see cref="ResponseCacheWriter"/> off the request path.
/// </summary>
public sealed class ExactResponseCache(IStore store, TimeProvider time) : IResponseCache
{
    private const string KeyItem = "exact.key";

    private readonly Channel<PendingEntry> _pending = Channel.CreateBounded<PendingEntry>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    public string Name => "exact";

    internal ChannelReader<PendingEntry> Pending => _pending.Reader;

    public bool AppliesTo(Route route) => route.Config.Cache is not null;

    public async ValueTask<CacheHit?> LookupAsync(CacheRequest request, CancellationToken cancellationToken)
    {
        var key = ExactCacheKey.Compute(request.Endpoint, request.Route.Name, request.Body.Span, request.Facts);
        request.Items[KeyItem] = key;
        var entry = await store.ResponseCache.GetAsync(key, time.GetUtcNow(), cancellationToken);
        return entry is null
            ? null
            : new CacheHit(entry.ContentType, entry.Body, entry.Provider, entry.Model, new TokenCounts(entry.PromptTokens, entry.CompletionTokens));
    }

    public void Offer(CacheRequest request, CacheableAnswer answer)
    {
        var settings = request.Route.Config.Cache;
        if (settings is null || answer.Body.Length > settings.MaxEntryBytes || !request.Items.TryGetValue(KeyItem, out var key))
            return;
        var now = time.GetUtcNow();
        var entry = new CachedResponse((string)key, request.Route.Name, now, now + settings.Ttl, answer.ContentType, answer.Body,
            answer.Provider, answer.Model, answer.Tokens.Prompt, answer.Tokens.Completion);
        // A full queue drops the entry: a cache may forget, and the request must not wait for it.
        _pending.Writer.TryWrite(new PendingEntry(entry, settings.MaxEntries, settings.MaxBytes));
    }

    internal sealed record PendingEntry(CachedResponse Entry, int MaxEntries, long MaxBytes);
}
