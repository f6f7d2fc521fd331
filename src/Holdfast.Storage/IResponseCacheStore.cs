namespace Holdfast.Storage;

/// <summary>Stored answers of routes that cache, by the hash of their normalised request.</summary>
public interface IResponseCacheStore
{
    /// <returns>The entry, or null when there is none or it expired before <paramref name="now"/>.</returns>
    Task<CachedResponse?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Stores (or replaces) an entry.</summary>
    Task PutAsync(CachedResponse entry, CancellationToken cancellationToken);

    /// <summary>Removes the route's expired entries, then its oldest until at most <paramref name="maxEntries"/> and <paramref name="maxBytes"/> remain.</summary>
    Task TrimAsync(string route, DateTimeOffset now, int maxEntries, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>One cached answer: the bytes the client was sent, and what it cost to make them.</summary>
public sealed record CachedResponse(
    string Key,
    string Route,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string ContentType,
    byte[] Body,
    string? Provider,
    string? Model,
    long PromptTokens,
    long CompletionTokens);
