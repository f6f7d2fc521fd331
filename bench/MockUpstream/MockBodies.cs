using System.Text;

namespace Holdfast.Bench.MockUpstream;

/// <summary>Response bodies in OpenAI's wire format, serialised once.</summary>
internal sealed class MockBodies
{
    private const string Id = "chatcmpl-bench000000000000000000000";
    private const string Model = "gpt-4o-mini-2024-07-18";
    private const long Created = 1_735_689_600;

    public MockBodies(int chunks)
    {
        var words = new[] { "Bench", " tokens", " arrive", " one", " by", " one", "." };
        var text = new StringBuilder();
        for (var i = 0; i < chunks; i++)
            text.Append(words[i % words.Length]);

        Chat = Encoding.UTF8.GetBytes(
            $"{{\"id\":\"{Id}\",\"object\":\"chat.completion\",\"created\":{Created},\"model\":\"{Model}\"," +
            $"\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"{text}\",\"refusal\":null}},\"logprobs\":null,\"finish_reason\":\"stop\"}}]," +
            $"\"usage\":{{\"prompt_tokens\":25,\"completion_tokens\":{chunks},\"total_tokens\":{25 + chunks},\"prompt_tokens_details\":{{\"cached_tokens\":0}}}}," +
            "\"system_fingerprint\":\"fp_bench\"}");

        var prefix = $"data: {{\"id\":\"{Id}\",\"object\":\"chat.completion.chunk\",\"created\":{Created},\"model\":\"{Model}\",\"system_fingerprint\":\"fp_bench\",";
        var events = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(prefix + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"),
        };
        for (var i = 0; i < chunks; i++)
        {
            events.Add(Encoding.UTF8.GetBytes(prefix +
                $"\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{words[i % words.Length]}\"}},\"logprobs\":null,\"finish_reason\":null}}],\"usage\":null}}\n\n"));
        }
        events.Add(Encoding.UTF8.GetBytes(prefix + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"));
        StreamEvents = events;
        UsageEvent = Encoding.UTF8.GetBytes(prefix +
            $"\"choices\":[],\"usage\":{{\"prompt_tokens\":25,\"completion_tokens\":{chunks},\"total_tokens\":{25 + chunks}}}}}\n\n");

        var embedding = new StringBuilder("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[");
        var random = new Random(7);
        for (var i = 0; i < 1536; i++)
            embedding.Append(i == 0 ? "" : ",").Append(((random.NextDouble() - 0.5) / 10).ToString("F8", System.Globalization.CultureInfo.InvariantCulture));
        embedding.Append("]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");
        Embedding = Encoding.UTF8.GetBytes(embedding.ToString());
    }

    public byte[] Chat { get; }

    public IReadOnlyList<byte[]> StreamEvents { get; }

    public byte[] UsageEvent { get; }

    public byte[] Done { get; } = "data: [DONE]\n\n"u8.ToArray();

    public byte[] Embedding { get; }

    public byte[] NotFound { get; } = "{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}"u8.ToArray();
}
