using System.Text;
using System.Text.Json.Nodes;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Internal;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>Calls from inside the process go through the same pipeline as HTTP calls.</summary>
public sealed class GatewayInvokerTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("openai", _upstream.BaseUrl)));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task ChatCompletion_RoutesMetersAndAnswers()
    {
        var (id, _) = await _server.CreateKeyAsync("workflow");
        var key = _server.Services.GetRequiredService<KeyRing>().FindById(id)!;
        var invoker = _server.Services.GetRequiredService<IGatewayInvoker>();

        var response = await invoker.ChatCompletionAsync(key,
            Encoding.UTF8.GetBytes("""{"model":"openai-route","messages":[{"role":"user","content":"hi"}]}"""), CancellationToken.None);

        Assert.True(response.IsSuccess);
        var body = JsonNode.Parse(response.Body.Span)!;
        Assert.Equal(FakeBehavior.Completion, body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("openai-model", Assert.Single(_upstream.Received).Model);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(id, record.KeyId);
        Assert.Equal(response.RequestId, record.RequestId);
    }

    [Fact]
    public async Task ChatCompletion_WithARevokedOrNarrowKey_IsRefusedLikeOverHttp()
    {
        var ring = _server.Services.GetRequiredService<KeyRing>();
        var invoker = _server.Services.GetRequiredService<IGatewayInvoker>();
        var (revokedId, _) = await _server.CreateKeyAsync("gone");
        var revoked = ring.FindById(revokedId)!;
        await _server.Admin.DeleteAsync($"admin/keys/{revokedId}");
        var (narrowId, _) = await _server.CreateKeyAsync("narrow", routes: ["elsewhere"]);
        var body = Encoding.UTF8.GetBytes("""{"model":"openai-route","messages":[]}""");

        Assert.Equal(401, (await invoker.ChatCompletionAsync(revoked, body, CancellationToken.None)).Status);
        var forbidden = await invoker.ChatCompletionAsync(ring.FindById(narrowId)!, body, CancellationToken.None);
        Assert.Equal(403, forbidden.Status);
        Assert.Equal("model_not_allowed", JsonNode.Parse(forbidden.Body.Span)!["error"]!["code"]!.GetValue<string>());
        Assert.Empty(_upstream.Received);
    }
}
