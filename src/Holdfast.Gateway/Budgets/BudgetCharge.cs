using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// Who a cost is charged to: every budget among the server's, the key's, the route's, the
/// workflow's and the run's that exists applies.
/// </summary>
public readonly record struct BudgetCharge(
    VirtualKey? Key = null,
    string? Route = null,
    string? Workflow = null,
    string? RunId = null);
