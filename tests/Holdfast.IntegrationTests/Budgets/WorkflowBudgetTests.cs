using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Holdfast.Core.Budgets;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Budgets;
using Holdfast.Gateway.Internal;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Holdfast.IntegrationTests.Budgets.BudgetTestKit;

namespace Holdfast.IntegrationTests.Budgets;

/// <summary>The ledger API that workflows and jobs use, and calls made on behalf of a workflow run.</summary>
public sealed class WorkflowBudgetTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _server = await HoldfastTestServer.StartAsync("budgets:\n  workflows:\n    nightly: 1/day\n" + HoldfastTestServer.ConfigFor(("a", _upstream.BaseUrl)));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task CallsOfARun_CountAgainstTheWorkflowAndTheRun_AndAreRecordedAsTheirs()
    {
        var (id, _) = await _server.CreateKeyAsync("runner");
        var key = _server.Services.GetRequiredService<KeyRing>().FindById(id)!;
        var invoker = _server.Services.GetRequiredService<IGatewayInvoker>();
        var ledger = _server.Services.GetRequiredService<IBudgetLedger>();
        var body = await Chat(maxTokens: 10).ReadAsByteArrayAsync();
        var caller = new InternalCaller(key) { Workflow = "nightly", RunId = "run_1" };
        await ledger.TrackRunAsync("run_1", new BudgetLimit(CompletionCost + await WorstCaseAsync(maxTokens: 10) - 0.000_000_001m, BudgetWindow.Total), CancellationToken.None);

        Assert.True((await invoker.ChatCompletionAsync(caller, body, CancellationToken.None)).IsSuccess);
        var refused = await invoker.ChatCompletionAsync(caller, body, CancellationToken.None);

        Assert.Equal(429, refused.Status);
        Assert.Contains("run:run_1", JsonNode.Parse(refused.Body.Span)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var record = Assert.Single(await _server.WaitForUsageAsync(2), r => r.Status == 200);
        Assert.Equal(("nightly", "run_1"), (record.Workflow, record.RunId));
        Assert.Equal(CompletionCost, (await BudgetAsync(_server, "workflow:nightly"))["spent_usd"]!.GetValue<decimal>());
        Assert.Equal(CompletionCost, (await BudgetAsync(_server, "run:run_1"))["spent_usd"]!.GetValue<decimal>());

        // Another run of the same workflow is not held back by the first run's cap.
        Assert.True((await invoker.ChatCompletionAsync(caller with { RunId = "run_2" }, body, CancellationToken.None)).IsSuccess);
        ledger.ForgetRun("run_1");
        Assert.True((await invoker.ChatCompletionAsync(caller, body, CancellationToken.None)).IsSuccess);
    }

    [Fact]
    public async Task CostsOutsideTheGateway_ReserveAndSettleThroughTheLedger()
    {
        var ledger = _server.Services.GetRequiredService<IBudgetLedger>();
        var charge = new BudgetCharge(Workflow: "nightly");
        Assert.True(ledger.Applies(charge));
        Assert.False(ledger.Applies(new BudgetCharge(Workflow: "other")));

        var job = await ledger.ReserveAsync(charge, 0.75m, CancellationToken.None);
        Assert.True(job.Admitted);
        var second = await ledger.ReserveAsync(charge, 0.5m, CancellationToken.None);
        Assert.Equal(BudgetScope.Workflow("nightly"), second.Denial!.Scope);

        ledger.Settle(job.Reservation!, 0.2m);
        ledger.Settle(job.Reservation!, 0.2m);
        var budget = await BudgetAsync(_server, "workflow:nightly");
        Assert.Equal((0.2m, 0m, 0.8m), (budget["spent_usd"]!.GetValue<decimal>(), budget["reserved_usd"]!.GetValue<decimal>(), budget["remaining_usd"]!.GetValue<decimal>()));
        Assert.True((await ledger.ReserveAsync(charge, 0.5m, CancellationToken.None)).Admitted);
    }
}
