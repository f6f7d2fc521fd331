using System.Text.Json;
using Holdfast.Core.Usage;

namespace Holdfast.Gateway.OpenAi;

/// <summary>What metering reads from an OpenAI response body or stream chunk.</summary>
public readonly record struct OpenAiPayload(bool HasUsage, TokenCounts Usage, bool ChoicesEmpty, bool IsError)
{
    /// <summary>False when the text was not one well-formed JSON object.</summary>
    public bool IsValid { get; init; } = true;
}

/// <summary>Reads usage, empty choices and errors from an OpenAI JSON payload without deserialising it.</summary>
public static class OpenAiPayloadReader
{
    /// <summary>A cheap test whether a stream chunk can hold usage or an error, before parsing it.</summary>
    public static bool MayCarryUsageOrError(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"usage\":{"u8) >= 0 || json.IndexOf("\"usage\": {"u8) >= 0 ||
        json.IndexOf("\"error\":"u8) >= 0 || json.IndexOf("\"error\" :"u8) >= 0 || json.IndexOf("\"object\":\"error\""u8) >= 0;

    public static OpenAiPayload Read(ReadOnlySpan<byte> json)
    {
        var hasUsage = false;
        var usage = default(TokenCounts);
        var choicesEmpty = true;
        var isError = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return new OpenAiPayload { IsValid = false };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsage(ref reader);
                        hasUsage = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        choicesEmpty = reader.TokenType == JsonTokenType.EndArray;
                        if (!choicesEmpty)
                        {
                            reader.Skip();
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                                reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    isError = reader.TokenType != JsonTokenType.Null;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("object"u8))
                {
                    reader.Read();
                    isError |= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8);
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
        }
        catch (JsonException)
        {
            return new OpenAiPayload { IsValid = false };
        }
        return new OpenAiPayload(hasUsage, usage, choicesEmpty, isError);
    }

    private static TokenCounts ReadUsage(ref Utf8JsonReader reader)
    {
        long prompt = 0, completion = 0, cached = 0, written = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
                prompt = ReadNumber(ref reader);
            else if (reader.ValueTextEquals("completion_tokens"u8))
                completion = ReadNumber(ref reader);
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("cached_tokens"u8))
                        cached = ReadNumber(ref reader);
                    else if (reader.ValueTextEquals("cache_write_tokens"u8))
                        written = ReadNumber(ref reader);
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new TokenCounts(prompt, completion, cached, CacheWritePrompt: written);
    }

    private static long ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : 0;
    }
}
