using Holdfast.Core.Keys;

namespace Holdfast.Storage;

public interface IKeyStore
{
    Task AddAsync(VirtualKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken);

    Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <returns>False when no active key has that id.</returns>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A number that grows with every change to keys, so caches know when to reload.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken);
}
