namespace Holdfast.Core.Configuration;

/// <summary>
/// Holds the current configuration snapshot. A reload swaps in a new, fully validated snapshot;
/// requests in flight keep the one they started with.
/// </summary>
public sealed class ConfigHolder
{
    private ConfigSnapshot _current;

    public ConfigHolder(ConfigSnapshot initial)
    {
        _current = initial;
    }

    public ConfigSnapshot Current => Volatile.Read(ref _current);

    public event Action<ConfigSnapshot>? Changed;

    public void Swap(ConfigSnapshot next)
    {
        Volatile.Write(ref _current, next);
        Changed?.Invoke(next);
    }
}
