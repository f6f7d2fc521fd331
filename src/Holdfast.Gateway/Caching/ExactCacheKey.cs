using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Proxy;

namespace Holdfast.Gateway.Caching;

/// <summary>
/// The key of a request in the exact-match cache: a SHA-256 over the endpoint, the route, the
/// stream flags (a stream is replayed byte for byte, so its form is part of the key) and the body
/// in a normal form: object members sorted, no whitespace, and the fields that do not change the
/// answer (stream options, user, metadata, …) left out.
/// </summary>
public static class ExactCacheKey
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "model", "stream", "stream_options", "user", "metadata", "store", "service_tier", "safety_identifier", "prompt_cache_key",
    };

    public static string Compute(ProxyEndpoint endpoint, string route, ReadOnlySpan<byte> body, ChatRequestFacts facts)
    {
        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        output.Write(Encoding.UTF8.GetBytes($"{endpoint.Name}\n{route}\n{(facts.Stream ? 1 : 0)}{(facts.ClientWantsStreamUsage ? 1 : 0)}\n"));
        using (var json = new Utf8JsonWriter(output))
            WriteNormal(json, document.RootElement, topLevel: true);
        return Convert.ToHexStringLower(SHA256.HashData(output.WrittenSpan));
    }

    private static void WriteNormal(Utf8JsonWriter json, JsonElement element, bool topLevel)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                json.WriteStartObject();
                var members = new List<JsonProperty>();
                foreach (var member in element.EnumerateObject())
                {
                    if (!(topLevel && Ignored.Contains(member.Name)))
                        members.Add(member);
                }
                members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (var member in members)
                {
                    json.WritePropertyName(member.Name);
                    WriteNormal(json, member.Value, topLevel: false);
                }
                json.WriteEndObject();
                break;
            case JsonValueKind.Array:
                json.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                    WriteNormal(json, item, topLevel: false);
                json.WriteEndArray();
                break;
            default:
                element.WriteTo(json);
                break;
        }
    }
}
