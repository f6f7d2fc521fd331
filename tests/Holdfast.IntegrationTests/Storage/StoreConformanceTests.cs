using Holdfast.Core.Keys;
using Holdfast.Core.Usage;
using Holdfast.Storage;

namespace Holdfast.IntegrationTests.Storage;

/// <summary>
/// What every store must do, run once against SQLite and once against PostgreSQL.
/// Subclasses only say how to open a fresh, empty store.
/// </summary>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Day1 = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);

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
    public async Task Migrate_Twice_IsHarmless()
    {
        await Store.MigrateAsync(CancellationToken.None);
        await Store.PingAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Migrate_FromSeveralCallersAtOnce_AppliesEachScriptOnce()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Store.MigrateAsync(CancellationToken.None)));
        Assert.Empty(await Store.Keys.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Keys_AddListGetRevoke_RoundTrip()
    {
        var version0 = await Store.Keys.GetVersionAsync(CancellationToken.None);
        var key = NewKey("key_a", routes: ["r1", "r2"], rpm: 60) with { Tpm = 40_000, Concurrency = 8 };
        await Store.Keys.AddAsync(key, CancellationToken.None);

        var listed = Assert.Single(await Store.Keys.ListAsync(CancellationToken.None));
        Assert.Equal(key, listed with { Routes = key.Routes });
        Assert.Equal(["r1", "r2"], listed.Routes);
        var version1 = await Store.Keys.GetVersionAsync(CancellationToken.None);
        Assert.True(version1 > version0);

        Assert.True(await Store.Keys.RevokeAsync("key_a", Day1.AddHours(1), CancellationToken.None));
        Assert.False(await Store.Keys.RevokeAsync("key_a", Day1.AddHours(2), CancellationToken.None));
        Assert.False(await Store.Keys.RevokeAsync("nope", Day1, CancellationToken.None));
        var revoked = await Store.Keys.GetAsync("key_a", CancellationToken.None);
        Assert.Equal(Day1.AddHours(1), revoked!.RevokedAt);
        Assert.True(await Store.Keys.GetVersionAsync(CancellationToken.None) > version1);
        Assert.Null(await Store.Keys.GetAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task Keys_DuplicateHash_IsRejected()
    {
        await Store.Keys.AddAsync(NewKey("key_a"), CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => Store.Keys.AddAsync(NewKey("key_b") with { Hash = "hash-key_a" }, CancellationToken.None));
    }

    [Fact]
    public async Task Usage_AppendAndList_KeepsEveryField()
    {
        var record = Usage("req_1", "key_a", "route-a", Day1, 1_234_567m / 1_000_000_000m) with
        {
            Stream = true,
            TimeToFirstToken = TimeSpan.FromMilliseconds(12.5),
            Error = "something",
            Attempts = 2,
            Outcome = UsageOutcome.StreamInterrupted,
            Tokens = new TokenCounts(100, 20, 30, Estimated: true),
        };
        await Store.Usage.AppendAsync([record], CancellationToken.None);

        var listed = Assert.Single(await Store.Usage.ListAsync(new UsageListQuery(), CancellationToken.None));
        Assert.Equal(record, listed);
    }

    [Fact]
    public async Task ResponseCache_PutGetExpireReplace()
    {
        var body = new byte[] { 0, 1, 2, 255, (byte)'{' };
        var entry = new CachedResponse("k1", "route-a", Day1, Day1.AddMinutes(10), "text/event-stream", body, "p", "m", 12, 7);
        await Store.ResponseCache.PutAsync(entry, CancellationToken.None);

        var found = await Store.ResponseCache.GetAsync("k1", Day1.AddMinutes(9), CancellationToken.None);
        Assert.NotNull(found);
        Assert.Equal(body, found.Body);
        Assert.Equal(entry with { Body = found.Body }, found);
        Assert.Null(await Store.ResponseCache.GetAsync("k1", Day1.AddMinutes(10), CancellationToken.None));
        Assert.Null(await Store.ResponseCache.GetAsync("k2", Day1, CancellationToken.None));

        await Store.ResponseCache.PutAsync(entry with { ContentType = "application/json", ExpiresAt = Day1.AddHours(1) }, CancellationToken.None);
        var replaced = await Store.ResponseCache.GetAsync("k1", Day1.AddMinutes(30), CancellationToken.None);
        Assert.Equal("application/json", replaced!.ContentType);
    }

    [Fact]
    public async Task ResponseCache_Trim_DropsExpiredThenOldestBeyondEitherBound()
    {
        for (var i = 0; i < 6; i++)
        {
            var entry = new CachedResponse($"k{i}", "route-a", Day1.AddSeconds(i), Day1.AddSeconds(i == 0 ? 5 : 3600), "application/json",
                new byte[100], null, null, 1, 1);
            await Store.ResponseCache.PutAsync(entry, CancellationToken.None);
        }
        await Store.ResponseCache.PutAsync(new CachedResponse("other", "route-b", Day1, Day1.AddHours(1), "application/json", new byte[100], null, null, 1, 1),
            CancellationToken.None);

        // k0 has expired; of k1..k5 the newest three fit 3 entries, and only two fit 250 bytes.
        await Store.ResponseCache.TrimAsync("route-a", Day1.AddSeconds(10), maxEntries: 3, maxBytes: 250, CancellationToken.None);

        var now = Day1.AddSeconds(10);
        var kept = new List<string>();
        foreach (var key in new[] { "k0", "k1", "k2", "k3", "k4", "k5", "other" })
        {
            if (await Store.ResponseCache.GetAsync(key, now, CancellationToken.None) is not null)
                kept.Add(key);
        }
        Assert.Equal(["k4", "k5", "other"], kept);
    }

    [Fact]
    public async Task Usage_LargeBatch_IsWrittenWhole()
    {
        var records = Enumerable.Range(0, 1_500).Select(i => Usage($"req_{i}", "key_a", "r", Day1.AddSeconds(i), 0.001m)).ToList();
        await Store.Usage.AppendAsync(records, CancellationToken.None);

        var total = Assert.Single(await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter(), UsageDimension.Key), CancellationToken.None));
        Assert.Equal(1_500, total.Sums.Requests);
        Assert.Equal(1.5m, total.Sums.CostUsd);
    }

    [Fact]
    public async Task Usage_Summaries_GroupAndSumExactly()
    {
        await Store.Usage.AppendAsync(
        [
            Usage("1", "key_a", "r1", Day1, 0.000_000_1m),
            Usage("2", "key_a", "r2", Day1.AddHours(10), 0.25m),
            Usage("3", "key_b", "r1", Day1.AddDays(1), null),
            Usage("4", "key_b", "r1", Day1.AddDays(1), 1m) with { Outcome = UsageOutcome.UpstreamError },
        ], CancellationToken.None);

        var byKey = await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter(), UsageDimension.Key), CancellationToken.None);
        Assert.Equal(["key_a", "key_b"], byKey.Select(r => r.Group));
        Assert.Equal(0.250_000_1m, byKey[0].Sums.CostUsd);
        Assert.Equal(2, byKey[0].Sums.Requests);
        Assert.Equal(200, byKey[0].Sums.PromptTokens);
        Assert.Equal(1, byKey[1].Sums.Errors);
        Assert.Equal(1, byKey[1].Sums.UnknownCost);

        var byQuarter = await Store.Usage.AggregateAsync(new UsageAggregateQuery(new UsageFilter(), ByQuarterHour: true), CancellationToken.None);
        Assert.Equal([Day1, Day1.AddHours(10), Day1.AddDays(1)], byQuarter.Select(r => r.BucketStart!.Value));
        Assert.Equal(2, byQuarter[2].Sums.Requests);

        var byRoute = await Store.Usage.AggregateAsync(
            new UsageAggregateQuery(new UsageFilter(From: Day1.AddHours(1)), UsageDimension.Route), CancellationToken.None);
        Assert.Equal(["r1", "r2"], byRoute.Select(r => r.Group));
        Assert.Equal(2, byRoute[0].Sums.Requests);

        var filtered = Assert.Single(await Store.Usage.AggregateAsync(
            new UsageAggregateQuery(new UsageFilter(KeyId: "key_b", Route: "r1")), CancellationToken.None));
        Assert.Equal(2, filtered.Sums.Requests);
    }

    protected static VirtualKey NewKey(string id, IReadOnlyList<string>? routes = null, int? rpm = null) => new()
    {
        Id = id,
        Name = "name " + id,
        Hash = "hash-" + id,
        Prefix = "hf_abc",
        Routes = routes ?? [],
        Rpm = rpm,
        CreatedAt = Day1,
    };

    protected static UsageRecord Usage(string id, string key, string route, DateTimeOffset at, decimal? cost) => new()
    {
        RequestId = id,
        Timestamp = at,
        KeyId = key,
        Endpoint = "chat",
        Route = route,
        Provider = "p",
        Model = "m",
        Status = 200,
        Latency = TimeSpan.FromMilliseconds(3),
        Tokens = new TokenCounts(100, 10),
        CostUsd = cost,
    };
}

public sealed class SqliteStoreTests : StoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "holdfast-store-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IStore> OpenAsync() =>
        Task.FromResult(StoreFactory.Open(new Core.Configuration.StoreConfig(), _directory, TimeProvider.System));

    protected override Task CleanUpAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Database_IsARealFileInWalMode()
    {
        var file = Path.Combine(_directory, StoreFactory.DefaultSqliteFile);
        Assert.True(File.Exists(file));
        Assert.True(File.Exists(file + "-wal"));
    }
}

public sealed class PostgresStoreTests : StoreConformanceTests
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
