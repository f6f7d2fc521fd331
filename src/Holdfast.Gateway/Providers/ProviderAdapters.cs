using Holdfast.Core.Configuration;

namespace Holdfast.Gateway.Providers;

/// <summary>The registered adapters, by provider type.</summary>
public sealed class ProviderAdapters(IEnumerable<IProviderAdapter> adapters)
{
    private readonly Dictionary<string, IProviderAdapter> _byType = adapters.ToDictionary(a => a.Type, StringComparer.Ordinal);

    public IProviderAdapter For(ProviderConfig provider) =>
        _byType.TryGetValue(provider.Type, out var adapter)
            ? adapter
            : throw new InvalidOperationException($"No adapter for provider type '{provider.Type}'; the config validator should have refused it.");
}
