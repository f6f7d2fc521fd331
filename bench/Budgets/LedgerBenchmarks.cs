using BenchmarkDotNet.Attributes;
using Holdfast.Core.Budgets;
using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Budgets;
using Holdfast.Storage;

namespace Holdfast.Bench.Budgets;

/// <summary>
/// What budget enforcement adds to one request: reserve the worst case and settle the real cost,
/// against no budget, one (the key's) and three (server, key, route), once the accounts are loaded.
/// </summary>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-bench-budgets", Guid.NewGuid().ToString("N"));
    private IStore _store = null!;
    private BudgetLedger _ledger = null!;
    private BudgetCharge _none;
    private BudgetCharge _key;
    private BudgetCharge _three;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = StoreFactory.Open(new StoreConfig(), _directory, TimeProvider.System);
        await _store.MigrateAsync(CancellationToken.None);
        var config = new HoldfastConfig
        {
            Budgets = new BudgetsConfig
            {
                Server = new BudgetLimit(1_000_000m, BudgetWindow.Month),
                Routes = new Dictionary<string, BudgetLimit> { ["budgeted"] = new(1_000_000m, BudgetWindow.Day) },
            },
        };
        _ledger = new BudgetLedger(new ConfigHolder(new ConfigSnapshot(config)), new KeyRing(_store), _store, new BudgetAlertQueue(), TimeProvider.System);
        var key = new VirtualKey { Id = "key_bench", Name = "bench", Hash = "h", Prefix = "hf_", CreatedAt = DateTimeOffset.UtcNow, Budget = new BudgetLimit(1_000_000m, BudgetWindow.Month) };
        var plain = key with { Id = "key_plain", Budget = null };
        _none = new BudgetCharge(plain, "free");
        _key = new BudgetCharge(key, "free");
        _three = new BudgetCharge(key, "budgeted");
        // Loads the accounts, as the first request after start-up does.
        _ledger.Settle((await _ledger.ReserveAsync(_three, 0.001m, CancellationToken.None)).Reservation!, 0);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public bool NoBudget() => _ledger.Applies(_none);

    [Benchmark]
    public ValueTask KeyBudget() => ReserveAndSettleAsync(_key);

    [Benchmark]
    public ValueTask ServerKeyAndRouteBudgets() => ReserveAndSettleAsync(_three);

    private async ValueTask ReserveAndSettleAsync(BudgetCharge charge)
    {
        var admission = await _ledger.ReserveAsync(charge, 0.000_25m, CancellationToken.None);
        _ledger.Settle(admission.Reservation!, 0.000_000_1m);
    }
}
