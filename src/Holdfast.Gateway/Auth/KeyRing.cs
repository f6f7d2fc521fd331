using System.Collections.Frozen;
using Holdfast.Core.Keys;
using Holdfast.Storage;

namespace Holdfast.Gateway.Auth;

/// <summary>
/// Every key in memory, by hash, swapped whole when the store says keys changed. Checking a key
/// never touches the store, so a flood of bad keys costs nothing but a hash.
/// </summary>
public sealed class KeyRing(IStore store)
{
    private FrozenDictionary<string, VirtualKey> _byHash = FrozenDictionary<string, VirtualKey>.Empty;
    private FrozenDictionary<string, VirtualKey> _byId = FrozenDictionary<string, VirtualKey>.Empty;
    private long _version = -1;

    public long Version => Volatile.Read(ref _version);

    public VirtualKey? Find(string secret) =>
        Volatile.Read(ref _byHash).TryGetValue(KeySecrets.Hash(secret), out var key) ? key : null;

    /// <summary>Every key, revoked ones included.</summary>
    public IEnumerable<VirtualKey> All => Volatile.Read(ref _byId).Values;

    public VirtualKey? FindById(string id) => Volatile.Read(ref _byId).TryGetValue(id, out var key) ? key : null;

    /// <summary>Reloads when the store's key version moved (or always, when <paramref name="force"/>).</summary>
    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        var version = await store.Keys.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        if (!force && version == Volatile.Read(ref _version))
            return;
        var keys = await store.Keys.ListAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _byId, keys.ToFrozenDictionary(k => k.Id, StringComparer.Ordinal));
        Volatile.Write(ref _byHash, keys.ToFrozenDictionary(k => k.Hash, StringComparer.Ordinal));
        Volatile.Write(ref _version, version);
    }
}
