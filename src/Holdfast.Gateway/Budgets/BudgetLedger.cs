using System.Collections.Concurrent;
using Holdfast.Core.Budgets;
using Holdfast.Core.Configuration;
using Holdfast.Core.Pricing;
using Holdfast.Gateway.Auth;
using Holdfast.Storage;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// The budgets of this node, in memory: one <see cref="BudgetAccount"/> per budget, loaded from the
/// usage aggregates the first time it is needed and kept exact from then on by reservations and
/// settlements, so checking a budget never waits for the store. Limits come from the current config
/// (server, routes, workflows), from the key (key budgets) and from <see cref="TrackRunAsync"/> (runs).
/// </summary>
public sealed class BudgetLedger(ConfigHolder config, KeyRing keys, IStore store, BudgetAlertQueue alerts, TimeProvider time) : IBudgetLedger
{
    private readonly ConcurrentDictionary<BudgetScope, Task<BudgetAccount>> _accounts = new();
    private readonly ConcurrentDictionary<string, BudgetLimit> _runs = new(StringComparer.Ordinal);
    private readonly Lock _loading = new();

    public bool Applies(BudgetCharge charge)
    {
        var budgets = config.Current.Config.Budgets;
        return budgets.Server is not null
            || charge.Key?.Budget is not null
            || (charge.Route is { } route && budgets.Routes.ContainsKey(route))
            || (charge.Workflow is { } workflow && budgets.Workflows.ContainsKey(workflow))
            || (charge.RunId is { } run && _runs.ContainsKey(run));
    }

    public async ValueTask<BudgetAdmission> ReserveAsync(BudgetCharge charge, decimal worstCaseUsd, CancellationToken cancellationToken)
    {
        var definitions = Definitions(charge);
        if (definitions.Count == 0)
            return new BudgetAdmission(BudgetReservation.None, null);
        var accounts = new BudgetAccount[definitions.Count];
        for (var i = 0; i < accounts.Length; i++)
            accounts[i] = await AccountAsync(definitions[i].Scope, definitions[i].Limit, cancellationToken);
        Array.Sort(accounts, static (a, b) => a.Order.CompareTo(b.Order));

        var nanos = Math.Max(0, Usd.ToNanos(worstCaseUsd));
        var now = time.GetUtcNow();
        var zone = config.Current.TimeZone;
        var starts = new DateTimeOffset[accounts.Length];
        var entered = 0;
        try
        {
            for (; entered < accounts.Length; entered++)
                Monitor.Enter(accounts[entered].Gate);
            foreach (var account in accounts)
                account.RollTo(now, zone);
            foreach (var account in accounts)
            {
                if (!account.CanReserve(nanos))
                    return new BudgetAdmission(null, Deny(account, nanos));
            }
            for (var i = 0; i < accounts.Length; i++)
            {
                accounts[i].Reserve(nanos);
                starts[i] = accounts[i].Period.Start;
            }
        }
        finally
        {
            while (entered > 0)
                Monitor.Exit(accounts[--entered].Gate);
        }
        return new BudgetAdmission(new BudgetReservation(accounts, starts, nanos), null);
    }

    public void Settle(BudgetReservation reservation, decimal? actualUsd)
    {
        if (reservation.IsEmpty || !reservation.TryFinish())
            return;
        var actual = actualUsd is { } usd ? Math.Max(0, Usd.ToNanos(usd)) : 0;
        var now = time.GetUtcNow();
        var snapshot = config.Current;
        var thresholds = snapshot.Config.Budgets.Thresholds;
        for (var i = 0; i < reservation.Accounts.Length; i++)
        {
            var account = reservation.Accounts[i];
            IReadOnlyList<int> crossed;
            BudgetStatus status;
            lock (account.Gate)
            {
                account.RollTo(now, snapshot.TimeZone);
                account.Settle(reservation.PeriodStarts[i], reservation.Nanos, actual);
                crossed = account.TakeCrossedThresholds(thresholds);
                if (crossed.Count == 0)
                    continue;
                status = Status(account, NameOf(account.Scope));
            }
            foreach (var percent in crossed)
                alerts.Announce(new BudgetThresholdEvent(status, percent, now));
        }
    }

    public async Task TrackRunAsync(string runId, BudgetLimit limit, CancellationToken cancellationToken)
    {
        _runs[runId] = limit;
        await AccountAsync(BudgetScope.Run(runId), limit, cancellationToken);
    }

    public void ForgetRun(string runId)
    {
        _runs.TryRemove(runId, out _);
        _accounts.TryRemove(BudgetScope.Run(runId), out _);
    }

    public async Task<IReadOnlyList<BudgetStatus>> ListAsync(CancellationToken cancellationToken)
    {
        var budgets = config.Current.Config.Budgets;
        var defined = new List<(BudgetScope Scope, BudgetLimit Limit, string? Name)>();
        if (budgets.Server is { } server)
            defined.Add((BudgetScope.Server, server, null));
        foreach (var key in keys.All.Where(k => k.Budget is not null && !k.IsRevoked).OrderBy(k => k.CreatedAt))
            defined.Add((BudgetScope.Key(key.Id), key.Budget!, key.Name));
        defined.AddRange(budgets.Routes.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (BudgetScope.Route(r.Key), r.Value, (string?)null)));
        defined.AddRange(budgets.Workflows.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => (BudgetScope.Workflow(w.Key), w.Value, (string?)null)));
        defined.AddRange(_runs.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (BudgetScope.Run(r.Key), r.Value, (string?)null)));

        var statuses = new List<BudgetStatus>(defined.Count);
        var now = time.GetUtcNow();
        foreach (var (scope, limit, name) in defined)
        {
            var account = await AccountAsync(scope, limit, cancellationToken);
            lock (account.Gate)
            {
                account.RollTo(now, config.Current.TimeZone);
                statuses.Add(Status(account, name));
            }
        }
        return statuses;
    }

    private List<(BudgetScope Scope, BudgetLimit Limit)> Definitions(BudgetCharge charge)
    {
        var budgets = config.Current.Config.Budgets;
        var list = new List<(BudgetScope, BudgetLimit)>(2);
        if (budgets.Server is { } server)
            list.Add((BudgetScope.Server, server));
        if (charge.Key?.Budget is { } key)
            list.Add((BudgetScope.Key(charge.Key.Id), key));
        if (charge.Route is { } route && budgets.Routes.TryGetValue(route, out var routeLimit))
            list.Add((BudgetScope.Route(route), routeLimit));
        if (charge.Workflow is { } workflow && budgets.Workflows.TryGetValue(workflow, out var workflowLimit))
            list.Add((BudgetScope.Workflow(workflow), workflowLimit));
        if (charge.RunId is { } run && _runs.TryGetValue(run, out var runLimit))
            list.Add((BudgetScope.Run(run), runLimit));
        return list;
    }

    private ValueTask<BudgetAccount> AccountAsync(BudgetScope scope, BudgetLimit limit, CancellationToken cancellationToken)
    {
        if (_accounts.TryGetValue(scope, out var loaded) && loaded.IsCompletedSuccessfully && loaded.Result.Limit.Window == limit.Window)
            return ValueTask.FromResult(Refresh(loaded.Result, limit));
        return new ValueTask<BudgetAccount>(LoadOrWaitAsync(scope, limit, cancellationToken));
    }

    private async Task<BudgetAccount> LoadOrWaitAsync(BudgetScope scope, BudgetLimit limit, CancellationToken cancellationToken)
    {
        Task<BudgetAccount>? task;
        lock (_loading)
        {
            if (!_accounts.TryGetValue(scope, out task) || task.IsFaulted || task.IsCanceled
                || (task.IsCompletedSuccessfully && task.Result.Limit.Window != limit.Window))
            {
                // Not tied to one request's cancellation: every caller waiting for this budget shares the load.
                task = LoadAsync(scope, limit);
                _accounts[scope] = task;
            }
        }
        return Refresh(await task.WaitAsync(cancellationToken), limit);
    }

    private async Task<BudgetAccount> LoadAsync(BudgetScope scope, BudgetLimit limit)
    {
        var period = BudgetPeriod.At(limit.Window, time.GetUtcNow(), config.Current.TimeZone);
        try
        {
            var spent = await store.Usage.SpentNanosAsync(scope, period.Start, CancellationToken.None);
            var fired = await store.Budgets.FiredThresholdsAsync(scope.ToString(), period.Start, CancellationToken.None);
            return new BudgetAccount(scope, limit, period, spent, fired);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new BudgetUnavailableException($"The spend of budget {scope} could not be read from the store.", e);
        }
    }

    private static BudgetAccount Refresh(BudgetAccount account, BudgetLimit limit)
    {
        if (account.Limit != limit)
        {
            lock (account.Gate)
                account.Limit = limit;
        }
        return account;
    }

    private string? NameOf(BudgetScope scope) =>
        scope.Kind == BudgetScopeKind.Key ? keys.FindById(scope.Id)?.Name : null;

    private BudgetDenial Deny(BudgetAccount account, long nanos) =>
        new(account.Scope, NameOf(account.Scope), account.Limit, account.SpentNanos, account.ReservedNanos, nanos, account.Period.End);

    private static BudgetStatus Status(BudgetAccount account, string? name) => new(
        account.Scope.ToString(), name, account.Limit, Usd.FromNanos(account.SpentNanos), Usd.FromNanos(account.ReservedNanos),
        Usd.FromNanos(account.RemainingNanos), account.Period.Start, account.Period.End);
}
