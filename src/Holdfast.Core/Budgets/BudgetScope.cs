namespace Holdfast.Core.Budgets;

public enum BudgetScopeKind
{
    Server,
    Key,
    Route,
    Workflow,
    Run,
}

/// <summary>What a budget caps: the whole server, one key, one route, one workflow or one workflow run.</summary>
public readonly record struct BudgetScope(BudgetScopeKind Kind, string Id)
{
    public static BudgetScope Server { get; } = new(BudgetScopeKind.Server, "");

    public static BudgetScope Key(string id) => new(BudgetScopeKind.Key, id);

    public static BudgetScope Route(string name) => new(BudgetScopeKind.Route, name);

    public static BudgetScope Workflow(string name) => new(BudgetScopeKind.Workflow, name);

    public static BudgetScope Run(string id) => new(BudgetScopeKind.Run, id);

    /// <summary><c>server</c>, <c>key:key_…</c>, <c>route:gpt-fast</c>, <c>workflow:nightly</c>, <c>run:run_…</c>.</summary>
    public override string ToString() =>
        Kind == BudgetScopeKind.Server ? "server" : $"{Kind.ToString().ToLowerInvariant()}:{Id}";
}
