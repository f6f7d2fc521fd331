using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// Writes a stream's usage chunk with the call's cost added to its usage object as <c>cost_usd</c>
/// (null when the cost is unknown), for keys that asked for it. Only this one chunk is parsed.
/// </summary>
internal static class UsageChunkCost
{
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> chunkJson, decimal? costUsd)
    {
        var chunk = JsonNode.Parse(chunkJson) as JsonObject;
        if (chunk?["usage"] is JsonObject usage)
            usage["cost_usd"] = costUsd is { } cost ? JsonValue.Create(cost) : null;
        output.Write("data: "u8);
        using (var json = new Utf8JsonWriter(output))
            chunk?.WriteTo(json);
        output.Write("\n\n"u8);
    }
}
