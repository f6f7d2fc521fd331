using System.Text.Json;
using System.Text.Json.Serialization;

namespace Holdfast.Core.Configuration;

/// <summary>The one set of JSON rules the configuration is read, checked and described with.</summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            RespectNullableAnnotations = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new DurationJsonConverter());
        options.Converters.Add(new ScalarAsStringJsonConverter());
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>Durations as <c>30s</c>, <c>5m</c>, <c>500ms</c> or a number of seconds.</summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return TimeSpan.FromSeconds(reader.GetDouble());
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        return DurationParser.TryParse(text, out var value)
            ? value
            : throw new JsonException("expected a duration such as 500ms, 30s, 5m, 1h or 2d");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(DurationParser.Format(value));
}

/// <summary>Lets a text field take an unquoted number or boolean (<c>api_key: 12345</c>).</summary>
public sealed class ScalarAsStringJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => throw new JsonException("expected text"),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
