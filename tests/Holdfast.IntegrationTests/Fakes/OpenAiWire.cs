using System.Text.Json;

namespace Holdfast.IntegrationTests.Fakes;

/// <summary>OpenAI wire payloads, written as OpenAI writes them.</summary>
public static class OpenAiWire
{
    public const int PromptTokens = 12;
    public const int CompletionTokens = 7;
    public const int CachedTokens = 2;

    public static string Completion(string model, string content) => $$$"""
        {"id":"chatcmpl-fake1","object":"chat.completion","created":1735689600,"model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":{{{JsonSerializer.Serialize(content)}}},"refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}},"prompt_tokens_details":{"cached_tokens":{{{CachedTokens}}},"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"system_fingerprint":"fp_fake"}
        """.Trim();

    public static string Embedding(string model) => $$$"""
        {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2,0.3,0.4]}],"model":"{{{model}}}","usage":{"prompt_tokens":5,"total_tokens":5}}
        """.Trim();

    public static string ErrorBody(string message, string type, string? code = null) =>
        JsonSerializer.Serialize(new { error = new { message, type, param = (string?)null, code } });

    /// <summary>Role chunk, one content chunk per word, finish chunk, optional usage chunk, [DONE].</summary>
    public static IEnumerable<string> StreamEvents(string model, int contentChunks, bool includeUsage)
    {
        var usageField = includeUsage ? ",\"usage\":null" : "";
        string Chunk(string choices) =>
            $"data: {{\"id\":\"chatcmpl-fake1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"{model}\",\"system_fingerprint\":\"fp_fake\",\"choices\":[{choices}]{usageField}}}\n\n";
        yield return Chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}");
        for (var i = 0; i < contentChunks; i++)
            yield return Chunk($"{{\"index\":0,\"delta\":{{\"content\":\"w{i} \"}},\"logprobs\":null,\"finish_reason\":null}}");
        yield return Chunk("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}");
        if (includeUsage)
        {
            yield return $"data: {{\"id\":\"chatcmpl-fake1\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,\"model\":\"{model}\",\"system_fingerprint\":\"fp_fake\",\"choices\":[],\"usage\":{{\"prompt_tokens\":{PromptTokens},\"completion_tokens\":{contentChunks},\"total_tokens\":{PromptTokens + contentChunks},\"prompt_tokens_details\":{{\"cached_tokens\":0}}}}}}\n\n";
        }
        yield return "data: [DONE]\n\n";
    }

    /// <summary>The text a client assembles from <see cref="StreamEvents"/>.</summary>
    public static string StreamedText(int contentChunks) => string.Concat(Enumerable.Range(0, contentChunks).Select(i => $"w{i} "));
}
