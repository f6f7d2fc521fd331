using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Holdfast.Core.Configuration;

/// <summary>
/// Reads a YAML document into a JSON tree, substituting environment variables in scalars and
/// remembering where each field came from so later errors can name the line.
/// </summary>
internal sealed class YamlDocumentReader
{
    private readonly string _file;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);

    public YamlDocumentReader(string file, Func<string, string?> environment)
    {
        _file = file;
        _environment = environment;
    }

    /// <summary>Line and column (1-based) of every field path seen.</summary>
    public Dictionary<string, (int Line, int Column)> Positions { get; } = new(StringComparer.Ordinal);

    public List<ConfigError> Errors { get; } = [];

    public JsonObject Read(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                return [];
            parser.Consume<DocumentStart>();
            if (parser.Accept<DocumentEnd>(out _))
                return [];
            var root = ReadNode(parser, "");
            if (root is JsonObject obj)
                return obj;
            Errors.Add(new ConfigError(_file, 1, 1, "", "the file must be a mapping of fields (key: value)"));
            return [];
        }
        catch (YamlException e)
        {
            Errors.Add(new ConfigError(_file, (int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {TrimYamlMessage(e.Message)}"));
            return [];
        }
    }

    private JsonNode? ReadNode(IParser parser, string path)
    {
        var start = parser.Current!.Start;
        Positions.TryAdd(path, ((int)start.Line, (int)start.Column));
        switch (parser.Current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                if (_anchors.TryGetValue(alias.Value.Value, out var anchored))
                    return anchored?.DeepClone();
                Errors.Add(Error(start, path, $"unknown alias *{alias.Value.Value}"));
                return null;
            case Scalar scalar:
                parser.MoveNext();
                return Remember(scalar.Anchor, ReadScalar(scalar, path));
            case SequenceStart sequence:
                return Remember(sequence.Anchor, ReadSequence(parser, path));
            case MappingStart mapping:
                return Remember(mapping.Anchor, ReadMapping(parser, path));
            default:
                throw new YamlException(start, parser.Current!.End, $"unexpected {parser.Current.GetType().Name}");
        }
    }

    private JsonNode? Remember(AnchorName anchor, JsonNode? node)
    {
        if (!anchor.IsEmpty)
            _anchors[anchor.Value] = node?.DeepClone();
        return node;
    }

    private JsonArray ReadSequence(IParser parser, string path)
    {
        parser.Consume<SequenceStart>();
        var array = new JsonArray();
        var index = 0;
        while (!parser.TryConsume<SequenceEnd>(out _))
            array.Add(ReadNode(parser, ConfigPath.Index(path, index++)));
        return array;
    }

    private JsonObject ReadMapping(IParser parser, string path)
    {
        parser.Consume<MappingStart>();
        var obj = new JsonObject();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Consume<Scalar>();
            var key = keyEvent.Value;
            var childPath = ConfigPath.Property(path, key);
            Positions[childPath] = ((int)keyEvent.Start.Line, (int)keyEvent.Start.Column);
            var value = ReadNode(parser, childPath);
            Positions[childPath] = ((int)keyEvent.Start.Line, (int)keyEvent.Start.Column);
            if (obj.ContainsKey(key))
                Errors.Add(Error(keyEvent.Start, childPath, "field given twice"));
            else
                obj[key] = value;
        }
        return obj;
    }

    private JsonValue? ReadScalar(Scalar scalar, string path)
    {
        var text = EnvSubstitution.Apply(scalar.Value, _environment, out var missing);
        if (text is null)
        {
            Errors.Add(Error(scalar.Start, path, $"environment variable {missing} is not set"));
            return null;
        }
        return scalar.Style is ScalarStyle.Plain ? ResolvePlain(text) : JsonValue.Create(text);
    }

    /// <summary>YAML 1.2 core schema for unquoted scalars: null, booleans, numbers, else text.</summary>
    private static JsonValue? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            return JsonValue.Create(integer);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    private ConfigError Error(Mark mark, string path, string message) =>
        new(_file, (int)mark.Line, (int)mark.Column, path, message);

    private static string TrimYamlMessage(string message)
    {
        var index = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && index > 0 ? message[(index + 3)..] : message;
    }
}
