using Holdfast.Core.Budgets;
using Holdfast.Core.Keys;
using Holdfast.Core.Pricing;
using Holdfast.Core.Usage;
using Holdfast.Storage;

namespace Holdfast.IntegrationTests.Storage;

/// <summary>Usage aggregates, retention, budget spend and alerts: run against SQLite and PostgreSQL.</summary>
public abstract class CostStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    protected IStore Store { get; private set; } = null!;

    protected abstract Task<IStore> OpenAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await OpenAsync();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task Aggregates_TotalsEqualTheSumOfTheRecords()
    {
        var random = new Random(7);
        var records = Enumerable.Range(0, 2_500).Select(i => Record($"r{i}", Day1.AddMinutes(random.Next(0, 3 * 24 * 60)),
            key: $"key_{random.Next(4)}", route: $"route{random.Next(3)}",
            cost: random.Next(10) == 0 ? null : random.Next(1, 5_000_000) / 1_000_000_000m,
            latency: TimeSpan.FromMilliseconds(random.Next(1, 5_000)), outcome: random.Next(8) == 0 ? UsageOutcome.UpstreamError : UsageOutcome.Success))
            .ToList();
        // Several batches, as the writer sends them, so rows are upserted again and again.
        foreach (var batch in records.Chunk(700))
            await Store.Usage.AppendAsync(batch, CancellationToken.None);

        var byKey = await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter(), UsageDimension.Key), CancellationToken.None);
        foreach (var row in byKey)
        {
            var mine = records.Where(r => r.KeyId == row.Group).ToList();
            Assert.Equal(mine.Count, row.Sums.Requests);
            Assert.Equal(mine.Sum(r => r.CostUsd ?? 0), row.Sums.CostUsd);
            Assert.Equal(mine.Count(r => r.CostUsd is null), row.Sums.UnknownCost);
            Assert.Equal(mine.Count(r => r.Outcome != UsageOutcome.Success), row.Sums.Errors);
            Assert.Equal(mine.Sum(r => r.Tokens.Prompt), row.Sums.PromptTokens);
            Assert.Equal(mine.Count, row.Sums.Latency.Sum());
        }
        var dayTwo = Assert.Single(await Store.Usage.AggregateAsync(
            new UsageAggregateQuery(new UsageFilter(Route: "route1", From: Day1.AddDays(1), To: Day1.AddDays(2))), CancellationToken.None));
        var expected = records.Where(r => r.Route == "route1" && r.Timestamp >= Day1.AddDays(1) && r.Timestamp < Day1.AddDays(2)).ToList();
        Assert.Equal(expected.Count, dayTwo.Sums.Requests);
        Assert.Equal(expected.Sum(r => r.CostUsd ?? 0), dayTwo.Sums.CostUsd);
    }

    [Fact]
    public async Task Retention_DeletesOldRawRecords_AndKeepsEveryTotalExact()
    {
        // Day partitions (PostgreSQL) exist for the days retention was last run around.
        await Store.Usage.ApplyRetentionAsync(Day1, TimeSpan.FromDays(30), CancellationToken.None);
        var records = new List<UsageRecord>();
        for (var day = 0; day < 3; day++)
            records.AddRange(Enumerable.Range(0, 50).Select(i => Record($"d{day}-{i}", Day1.AddDays(day).AddMinutes(i * 7), cost: 0.000_123m * (i + 1))));
        var recent = Day1.AddDays(40);
        records.AddRange(Enumerable.Range(0, 5).Select(i => Record($"recent-{i}", recent.AddMinutes(i), cost: 0.01m)));
        await Store.Usage.AppendAsync(records, CancellationToken.None);
        var before = Assert.Single(await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter()), CancellationToken.None)).Sums;

        var removed = await Store.Usage.ApplyRetentionAsync(recent.AddHours(1), TimeSpan.FromDays(30), CancellationToken.None);

        Assert.True(removed > 0);
        var left = await Store.Usage.ListAsync(new UsageListQuery(Limit: 10_000), CancellationToken.None);
        Assert.Equal(5, left.Count);
        Assert.All(left, r => Assert.StartsWith("recent-", r.RequestId, StringComparison.Ordinal));
        var after = Assert.Single(await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter()), CancellationToken.None)).Sums;
        Assert.Equal(before.Requests, after.Requests);
        Assert.Equal(before.CostNanos, after.CostNanos);
        Assert.Equal(records.Sum(r => r.CostUsd!.Value), after.CostUsd);

        // New records still go in after partitions were dropped.
        await Store.Usage.AppendAsync([Record("later", recent.AddHours(2), cost: 1m)], CancellationToken.None);
        Assert.Equal(6, (await Store.Usage.ListAsync(new UsageListQuery(Limit: 100), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task SpentNanos_CountsEachScopeFromTheWindowStart()
    {
        await Store.Usage.AppendAsync(
        [
            Record("1", Day1.AddMinutes(10), key: "key_a", route: "r1", cost: 1m),
            Record("2", Day1.AddDays(1), key: "key_a", route: "r2", cost: 2m) with { Workflow = "nightly", RunId = "run_1" },
            Record("3", Day1.AddDays(1).AddHours(5), key: "key_b", route: "r1", cost: 4m),
            Record("4", Day1.AddDays(1).AddHours(6), key: "key_b", route: "r1", cost: null),
        ], CancellationToken.None);

        async Task<decimal> Spent(BudgetScope scope, DateTimeOffset from) => Usd.FromNanos(await Store.Usage.SpentNanosAsync(scope, from, CancellationToken.None));
        Assert.Equal(7m, await Spent(BudgetScope.Server, Day1));
        Assert.Equal(6m, await Spent(BudgetScope.Server, Day1.AddDays(1)));
        Assert.Equal(3m, await Spent(BudgetScope.Key("key_a"), Day1));
        Assert.Equal(2m, await Spent(BudgetScope.Key("key_a"), Day1.AddDays(1)));
        Assert.Equal(5m, await Spent(BudgetScope.Route("r1"), Day1));
        Assert.Equal(2m, await Spent(BudgetScope.Workflow("nightly"), Day1));
        Assert.Equal(2m, await Spent(BudgetScope.Run("run_1"), Day1));
        Assert.Equal(0m, await Spent(BudgetScope.Key("nobody"), Day1));
    }

    [Fact]
    public async Task BudgetAlerts_AreClaimedOncePerWindowAndThreshold_AndDeliveredOrRetried()
    {
        var alert = new BudgetAlertRecord("bal_1", "key:key_a", Day1, 80, Day1.AddHours(3), "{\"x\":1}");
        Assert.True(await Store.Budgets.AddAlertAsync(alert, CancellationToken.None));
        Assert.False(await Store.Budgets.AddAlertAsync(alert with { Id = "bal_2" }, CancellationToken.None));
        Assert.True(await Store.Budgets.AddAlertAsync(alert with { Id = "bal_3", PeriodStart = Day1.AddDays(1) }, CancellationToken.None));
        Assert.Equal([80], await Store.Budgets.FiredThresholdsAsync("key:key_a", Day1, CancellationToken.None));

        var due = await Store.Budgets.DueAlertsAsync(Day1.AddHours(4), 10, CancellationToken.None);
        Assert.Equal(["bal_1", "bal_3"], due.Select(a => a.Id));
        await Store.Budgets.MarkDeliveredAsync("bal_1", Day1.AddHours(4), CancellationToken.None);
        await Store.Budgets.MarkFailedAsync("bal_3", "HTTP 500", Day1.AddHours(5), CancellationToken.None);
        Assert.Empty(await Store.Budgets.DueAlertsAsync(Day1.AddHours(4.5), 10, CancellationToken.None));
        var retried = Assert.Single(await Store.Budgets.DueAlertsAsync(Day1.AddHours(5), 10, CancellationToken.None));
        Assert.Equal((1, "HTTP 500"), (retried.Attempts, retried.LastError));
    }

    [Fact]
    public async Task Keys_BudgetAndStreamCost_RoundTripAndBumpTheVersion()
    {
        var key = new VirtualKey { Id = "key_a", Name = "a", Hash = "h", Prefix = "hf_", CreatedAt = Day1, Budget = new BudgetLimit(20m, BudgetWindow.Month) };
        await Store.Keys.AddAsync(key, CancellationToken.None);
        Assert.Equal(key with { Routes = [] }, (await Store.Keys.GetAsync("key_a", CancellationToken.None))! with { Routes = [] });
        var version = await Store.Keys.GetVersionAsync(CancellationToken.None);

        Assert.True(await Store.Keys.UpdateBudgetAsync("key_a", new BudgetLimit(1.5m, BudgetWindow.Day), streamCost: true, CancellationToken.None));
        var updated = await Store.Keys.GetAsync("key_a", CancellationToken.None);
        Assert.Equal((new BudgetLimit(1.5m, BudgetWindow.Day), true), (updated!.Budget, updated.StreamCost));
        Assert.True(await Store.Keys.GetVersionAsync(CancellationToken.None) > version);
        Assert.True(await Store.Keys.UpdateBudgetAsync("key_a", null, streamCost: false, CancellationToken.None));
        Assert.Null((await Store.Keys.GetAsync("key_a", CancellationToken.None))!.Budget);
        Assert.False(await Store.Keys.UpdateBudgetAsync("nope", null, false, CancellationToken.None));
    }

    private static UsageRecord Record(string id, DateTimeOffset at, string key = "key_a", string route = "r", decimal? cost = 0.001m,
        TimeSpan? latency = null, UsageOutcome outcome = UsageOutcome.Success) => new()
    {
        RequestId = id,
        Timestamp = at,
        KeyId = key,
        Endpoint = "chat",
        Route = route,
        Provider = "p",
        Model = "m",
        Status = outcome == UsageOutcome.Success ? 200 : 502,
        Outcome = outcome,
        Latency = latency ?? TimeSpan.FromMilliseconds(30),
        Tokens = new TokenCounts(100, 10, 20, CacheWritePrompt: 5),
        CostUsd = cost,
    };
}

public sealed class SqliteCostStoreTests : CostStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-store-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IStore> OpenAsync() =>
        Task.FromResult(StoreFactory.Open(new Core.Configuration.StoreConfig(), _directory, TimeProvider.System));

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresCostStoreTests : CostStoreConformanceTests
{
    private string _connection = null!;

    protected override async Task<IStore> OpenAsync()
    {
        _connection = await Infrastructure.TestPostgres.CreateDatabaseAsync();
        return StoreFactory.Open(new Core.Configuration.StoreConfig { Type = Core.Configuration.StoreType.Postgres, Connection = _connection },
            "unused", TimeProvider.System);
    }

    protected override Task CleanUpAsync() => Infrastructure.TestPostgres.DropDatabaseAsync(_connection);
}
