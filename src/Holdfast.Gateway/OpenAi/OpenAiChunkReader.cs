using System.Text.Json;

namespace Holdfast.Gateway.OpenAi;

public enum ChunkKind
{
    /// <summary>Not a JSON object.</summary>
    Invalid,

    /// <summary>An error object (<c>{"error":…}</c> or vLLM's <c>{"object":"error",…}</c>).</summary>
    Error,

    /// <summary>Carries generated content: text, a tool call, a refusal, reasoning, or a finish reason.</summary>
    Content,

    /// <summary>A valid chunk with nothing generated yet (the role-only first delta, a usage chunk).</summary>
    Empty,
}

/// <summary>Tells whether a stream chunk carries content yet, checking on the way that it is valid JSON.</summary>
public static class OpenAiChunkReader
{
    public static ChunkKind Classify(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return ChunkKind.Invalid;
            var kind = ChunkKind.Empty;
            var content = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Null)
                        kind = ChunkKind.Error;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("object"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8))
                        kind = ChunkKind.Error;
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                        content |= ReadChoices(ref reader);
                    else
                        reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            // Reading on to the end proves the rest of the text is well formed too.
            while (reader.Read())
            {
            }
            return kind == ChunkKind.Error ? kind : content ? ChunkKind.Content : ChunkKind.Empty;
        }
        catch (JsonException)
        {
            return ChunkKind.Invalid;
        }
    }

    /// <summary>Reads the choices array to its end; true when any choice carries content.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader)
    {
        var content = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    content |= reader.TokenType == JsonTokenType.String;
                }
                else if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                        content |= ReadDelta(ref reader);
                    else
                        reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        return content;
    }

    private static bool ReadDelta(ref Utf8JsonReader reader)
    {
        var content = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var generated = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("refusal"u8) ||
                            reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8) ||
                            reader.ValueTextEquals("tool_calls"u8) || reader.ValueTextEquals("function_call"u8) ||
                            reader.ValueTextEquals("audio"u8);
            reader.Read();
            if (generated)
            {
                content |= reader.TokenType switch
                {
                    JsonTokenType.String => reader.ValueSpan.Length > 0,
                    JsonTokenType.StartArray or JsonTokenType.StartObject => true,
                    _ => false,
                };
            }
            reader.Skip();
        }
        return content;
    }
}
