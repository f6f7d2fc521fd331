using Holdfast.Core.Budgets;
using Holdfast.Core.Keys;

namespace Holdfast.Storage;

public interface IKeyStore
{
    Task AddAsync(VirtualKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken);

    Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <returns>False when no active key has that id.</returns>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sets a key's budget (null removes it) and whether its streams carry the cost.</summary>
    /// <returns>False when no key has that id.</returns>
    Task<bool> UpdateBudgetAsync(string id, BudgetLimit? budget, bool streamCost, CancellationToken cancellationToken);

    /// <summary>A number that grows with every change to keys, so caches know when to reload.</summary>
    Task<long> GetVersionAsync(CancellationToken cancellationToken);
}
