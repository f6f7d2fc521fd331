using System.Text.Json;
using Holdfast.Gateway.Errors;

namespace Holdfast.Gateway.OpenAi;

/// <summary>Reads <see cref="ChatRequestFacts"/> from an OpenAI request body and validates it is one JSON object.</summary>
public static class ChatRequestInspector
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    public static GatewayError? Inspect(ReadOnlySpan<byte> body, ChatRequestFacts facts)
    {
        if (body.IsEmpty)
            return GatewayError.InvalidRequest("The request body is empty; send a JSON object.");
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var modelSeen = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return GatewayError.InvalidRequest("The request body must be a JSON object.");
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    facts.ObjectEnd = (int)reader.TokenStartIndex;
                    break;
                }
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                        return GatewayError.InvalidRequest("'model' must be a string.", "model");
                    facts.Model = reader.GetString()!;
                    facts.ModelStart = (int)reader.TokenStartIndex;
                    facts.ModelEnd = (int)reader.BytesConsumed;
                    modelSeen = true;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                        return GatewayError.InvalidRequest("'stream' must be true or false.", "stream");
                    facts.Stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                        continue;
                    if (reader.TokenType != JsonTokenType.StartObject)
                        return GatewayError.InvalidRequest("'stream_options' must be an object.", "stream_options");
                    var error = ReadStreamOptions(ref reader, facts);
                    if (error is not null)
                        return error;
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    var completion = reader.ValueTextEquals("max_completion_tokens"u8);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                        continue;
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var max) || max < 0)
                        return GatewayError.InvalidRequest("'max_tokens' must be a non-negative integer.", completion ? "max_completion_tokens" : "max_tokens");
                    if (completion || facts.MaxTokens is null)
                        facts.MaxTokens = max;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            // Anything after the object other than whitespace is an error the reader reports here.
            if (reader.Read())
                return GatewayError.InvalidJson("unexpected data after the JSON object.");
        }
        catch (JsonException e)
        {
            return GatewayError.InvalidJson(Describe(e));
        }
        return modelSeen ? null : GatewayError.InvalidRequest("'model' is required.", "model", "missing_required_parameter");
    }

    private static GatewayError? ReadStreamOptions(ref Utf8JsonReader reader, ChatRequestFacts facts)
    {
        facts.HasStreamOptions = true;
        facts.StreamOptionsContentStart = (int)reader.BytesConsumed;
        facts.StreamOptionsEmpty = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            facts.StreamOptionsEmpty = false;
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    return GatewayError.InvalidRequest("'stream_options.include_usage' must be true or false.", "stream_options.include_usage");
                facts.IncludeUsage = reader.TokenType == JsonTokenType.True;
                facts.IncludeUsageStart = (int)reader.TokenStartIndex;
                facts.IncludeUsageEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Skip();
            }
        }
        return null;
    }

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        return e.BytePositionInLine is { } position ? $"{message} (line {e.LineNumber + 1}, byte {position + 1})" : message;
    }
}
