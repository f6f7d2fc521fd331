using System.Text;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>Which target a route's strategy sends a request to first.</summary>
public sealed class RoutingStrategyTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _a = null!;
    private FakeOpenAiUpstream _b = null!;
    private HoldfastTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeOpenAiUpstream.StartAsync();
        _b = await FakeOpenAiUpstream.StartAsync();
        var yaml = $"""
            providers:
              - name: a
                base_url: {_a.BaseUrl}
              - name: b
                base_url: {_b.BaseUrl}
            routes:
              - name: by-cost
                strategy: cost
                targets:
                  - provider: a
                    model: pricey
                  - provider: b
                    model: cheap
              - name: by-weight
                strategy: weighted
                targets:
                  - provider: a
                    model: pricey
                    weight: 0
                  - provider: b
                    model: cheap
                    weight: 5
              - name: by-latency
                strategy: latency
                targets:
                  - provider: a
                    model: slow
                  - provider: b
                    model: fast
            prices:
              pricey: {"{"} input: 10, output: 30 {"}"}
              cheap: {"{"} input: 0.1, output: 0.4 {"}"}
            """;
        _server = await HoldfastTestServer.StartAsync(yaml);
        var (_, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task<string> ProviderForAsync(string route)
    {
        using var response = await _client.PostAsync("v1/chat/completions",
            new StringContent($$"""{"model":"{{route}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("x-holdfast-provider").Single();
    }

    [Fact]
    public async Task Cost_SendsToTheCheapestTarget()
    {
        for (var i = 0; i < 5; i++)
            Assert.Equal("b", await ProviderForAsync("by-cost"));
    }

    [Fact]
    public async Task Cost_FallsBackToThePricierTargetWhenTheCheapOneFails()
    {
        _b.Behavior = _ => FakeBehavior.Error(503);
        Assert.Equal("a", await ProviderForAsync("by-cost"));
    }

    [Fact]
    public async Task Weighted_NeverPicksAZeroWeightTargetFirst()
    {
        for (var i = 0; i < 20; i++)
            Assert.Equal("b", await ProviderForAsync("by-weight"));
        Assert.Empty(_a.Received);
    }

    [Fact]
    public async Task Latency_MeasuresEachTarget_ThenPrefersTheFastest()
    {
        _a.Behavior = _ => FakeBehavior.Normal(firstByteDelay: TimeSpan.FromMilliseconds(150));

        // Each target is tried once while it has no measurement.
        Assert.Equal("a", await ProviderForAsync("by-latency"));
        Assert.Equal("b", await ProviderForAsync("by-latency"));
        for (var i = 0; i < 5; i++)
            Assert.Equal("b", await ProviderForAsync("by-latency"));
        Assert.Single(_a.Received);
    }
}
