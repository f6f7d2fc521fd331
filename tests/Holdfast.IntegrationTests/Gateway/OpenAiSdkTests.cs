using System.ClientModel;
using System.Text.Json.Nodes;
using Holdfast.Core.Usage;
using Holdfast.IntegrationTests.Fakes;
using Holdfast.IntegrationTests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Holdfast.IntegrationTests.Gateway;

/// <summary>The official OpenAI .NET SDK, unchanged, talking to Holdfast in front of a fake provider.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private FakeOpenAiUpstream _upstream = null!;
    private HoldfastTestServer _server = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAiUpstream.StartAsync();
        _server = await HoldfastTestServer.StartAsync(HoldfastTestServer.ConfigFor(("openai", _upstream.BaseUrl)));
        (_, _key) = await _server.CreateKeyAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChat_ThroughRoute_ReturnsUpstreamAnswerAndMetersIt()
    {
        var chat = _server.OpenAiClient(_key).GetChatClient("openai-route");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal(FakeBehavior.Completion, completion.Content[0].Text);
        Assert.Equal(OpenAiWire.PromptTokens, completion.Usage.InputTokenCount);
        var sent = Assert.Single(_upstream.Received);
        Assert.Equal("openai-model", sent.Model);
        Assert.Equal("Bearer sk-upstream-openai", sent.Headers["Authorization"]);

        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal(UsageOutcome.Success, record.Outcome);
        Assert.Equal("openai-route", record.Route);
        Assert.Equal("openai", record.Provider);
        Assert.Equal("openai-model", record.Model);
        Assert.Equal(new TokenCounts(OpenAiWire.PromptTokens, OpenAiWire.CompletionTokens, OpenAiWire.CachedTokens), record.Tokens);
        // (12 - 2) × $1 + 2 × $0.50 + 7 × $2 per million tokens.
        Assert.Equal(25m / 1_000_000m, record.CostUsd);
        Assert.Equal(200, record.Status);
    }

    [Fact]
    public async Task CompleteChatStreaming_DeliversEveryChunkAndUsage()
    {
        _upstream.Behavior = _ => FakeBehavior.Normal(chunks: 6);
        var chat = _server.OpenAiClient(_key).GetChatClient("openai-route");

        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Stream please")]))
        {
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
            usage ??= update.Usage;
        }

        Assert.Equal(OpenAiWire.StreamedText(6), text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(6, usage.OutputTokenCount);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.True(record.Stream);
        Assert.Equal(UsageOutcome.Success, record.Outcome);
        Assert.Equal(6, record.Tokens.Completion);
        Assert.False(record.Tokens.Estimated);
        Assert.NotNull(record.TimeToFirstToken);
    }

    [Fact]
    public async Task ToolsAndResponseFormat_PassThroughUntouched()
    {
        var chat = _server.OpenAiClient(_key).GetChatClient("openai-route");
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
                    BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""")),
            },
            ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(),
        };

        await chat.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options);

        var sent = Assert.Single(_upstream.Received).Json!;
        Assert.Equal("get_weather", sent["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("city", sent["tools"]![0]!["function"]!["parameters"]!["required"]![0]!.GetValue<string>());
        Assert.Equal("json_object", sent["response_format"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Embeddings_ThroughRoute_ReturnVector()
    {
        var embeddings = _server.OpenAiClient(_key).GetEmbeddingClient("openai-route");

        OpenAIEmbedding embedding = await embeddings.GenerateEmbeddingAsync("some text");

        Assert.Equal([0.1f, -0.2f, 0.3f, 0.4f], embedding.ToFloats().ToArray());
        Assert.EndsWith("/v1/embeddings", Assert.Single(_upstream.Received).Path);
        var record = Assert.Single(await _server.WaitForUsageAsync(1));
        Assert.Equal("embeddings", record.Endpoint);
        Assert.Equal(5, record.Tokens.Prompt);
    }

    [Fact]
    public async Task ListModels_ShowsOnlyRoutesTheKeyMayUse()
    {
        var all = await _server.OpenAiClient(_key).GetOpenAIModelClient().GetModelsAsync();
        Assert.Contains(all.Value, m => m.Id == "openai-route");

        var (_, limited) = await _server.CreateKeyAsync("limited", routes: ["other-route"]);
        var some = await _server.OpenAiClient(limited).GetOpenAIModelClient().GetModelsAsync();
        Assert.DoesNotContain(some.Value, m => m.Id == "openai-route");
    }

    [Fact]
    public async Task WrongKey_SdkRaisesAuthenticationError()
    {
        var chat = _server.OpenAiClient("hf_not-a-real-key").GetChatClient("openai-route");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
        Assert.Empty(_upstream.Received);
        var body = JsonNode.Parse(error.GetRawResponse()!.Content.ToString())!;
        Assert.Equal("invalid_api_key", body["error"]!["code"]!.GetValue<string>());
    }
}
