using System.Globalization;
using System.Net;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using static Holdfast.IntegrationTests.Budgets.BudgetTestKit;

namespace Holdfast.IntegrationTests.Budgets;

/// <summary>64 clients race one key's budget; spend never passes the limit. Once per store backend.</summary>
public abstract class BudgetRaceTests : IAsyncLifetime
{
    private const int Clients = 64;
    private FakeOpenAiUpstream _upstream = null!;

    protected abstract Task<string> StoreYamlAsync();

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _upstream = await FakeOpenAiUpstream.StartAsync();

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await CleanUpAsync();
    }

    [Fact]
    public async Task SixtyFourClients_RacingOneKey_NeverOverspend()
    {
        // Upstream answers take a little while, so many reservations are in flight at once.
        _upstream.Behavior = _ => FakeBehavior.Normal(firstByteDelay: TimeSpan.FromMilliseconds(20));
        await using var server = await HoldfastTestServer.StartAsync(await StoreYamlAsync() + HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)));
        var limit = 100 * CompletionCost;
        var (id, secret) = await CreateKeyAsync(server, limit.ToString(CultureInfo.InvariantCulture) + "/month");
        using var client = server.ClientWithKey(secret);

        var statuses = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                using var response = await client.PostAsync("v1/chat/completions", Chat(maxTokens: 10));
                seen.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    break;
            }
            return seen;
        }));

        var all = statuses.SelectMany(s => s).ToList();
        Assert.All(all, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
        var served = all.Count(s => s == HttpStatusCode.OK);
        Assert.Contains(HttpStatusCode.TooManyRequests, all);
        var records = (await server.WaitForUsageAsync(all.Count)).Where(r => r.KeyId == id && r.Status == 200).ToList();
        Assert.Equal(served, records.Count);
        var spent = records.Sum(r => r.CostUsd!.Value);
        Assert.True(spent <= limit, $"spent {spent} over the limit {limit}");
        // Every call but those refused at the end fitted: the budget was used, not left idle.
        Assert.True(spent > limit - await WorstCaseAsync(maxTokens: 10) - Clients * CompletionCost, $"spent only {spent} of {limit}");
        var budget = await BudgetAsync(server, $"key:{id}");
        Assert.Equal((spent, 0m), (budget["spent_usd"]!.GetValue<decimal>(), budget["reserved_usd"]!.GetValue<decimal>()));
    }
}

public sealed class SqliteBudgetRaceTests : BudgetRaceTests
{
    protected override Task<string> StoreYamlAsync() => Task.FromResult("");
}

public sealed class PostgresBudgetRaceTests : BudgetRaceTests
{
    private string _connection = null!;

    protected override async Task<string> StoreYamlAsync()
    {
        _connection = await TestPostgres.CreateDatabaseAsync();
        return $"store:\n  type: postgres\n  connection: \"{_connection}\"\n";
    }

    protected override Task CleanUpAsync() => TestPostgres.DropDatabaseAsync(_connection);
}
