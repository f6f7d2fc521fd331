using System.Net;
using System.Text;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>What a provider's config changes on the wire: Azure's URLs and key header, extra headers.</summary>
public sealed class ProviderOptionsTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        var root = _upstream.BaseUrl.ToString().Replace("/v1", "", StringComparison.Ordinal).TrimEnd('/');
        var yaml = $"""
            providers:
              - name: azure
                base_url: {root}/openai
                api_key: azure-secret-key
                auth_header: api-key
                api_version: 2024-10-21
                deployment_urls: true
              - name: router
                base_url: {_upstream.BaseUrl}
                api_key: sk-router
                headers:
                  HTTP-Referer: https://holdfast.example
                  X-Title: Holdfast
            routes:
              - name: azure-chat
                targets:
                  - provider: azure
                    model: my-gpt-deployment
              - name: router-chat
                targets:
                  - provider: router
                    model: vendor/model
            """;
        _server = await HoldfastTestServer.StartAsync(yaml);
        var (_, key) = await _server.CreateKeyAsync();
        _client = _server.ClientWithKey(key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string route, string path = "v1/chat/completions") =>
        _client.PostAsync(path, new StringContent($$"""{"model":"{{route}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Azure_UsesTheDeploymentUrl_TheApiVersion_AndTheApiKeyHeader()
    {
        using var response = await PostAsync("azure-chat");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(_upstream.Received);
        Assert.Equal("/openai/deployments/my-gpt-deployment/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query);
        Assert.Equal("azure-secret-key", request.Headers["api-key"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Azure_Embeddings_UseTheDeploymentUrlToo()
    {
        using var response = await PostAsync("azure-chat", "v1/embeddings");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/openai/deployments/my-gpt-deployment/embeddings", Assert.Single(_upstream.Received).Path);
    }

    [Fact]
    public async Task ExtraHeaders_AreSentWithTheBearerKey()
    {
        using var response = await PostAsync("router-chat");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = Assert.Single(_upstream.Received);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("", request.Query);
        Assert.Equal("Bearer sk-router", request.Headers["Authorization"]);
        Assert.Equal("https://holdfast.example", request.Headers["HTTP-Referer"]);
        Assert.Equal("Holdfast", request.Headers["X-Title"]);
        Assert.Equal("vendor/model", request.Model);
    }
}
