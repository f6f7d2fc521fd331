using System.Text;

namespace Holdfast.Core.Configuration;

/// <summary>
/// A field path inside the configuration document, rendered as <c>providers[0].base_url</c>.
/// Used to attach YAML positions to errors found after the YAML is gone.
/// </summary>
public static class ConfigPath
{
    public static string Property(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Converts a System.Text.Json path such as <c>$.providers[0]['base-url']</c> to our form.</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
            return "";
        var result = new StringBuilder();
        var i = jsonPath[0] == '$' ? 1 : 0;
        while (i < jsonPath.Length)
        {
            if (jsonPath[i] == '.')
            {
                var end = i + 1;
                while (end < jsonPath.Length && jsonPath[end] != '.' && jsonPath[end] != '[')
                    end++;
                Append(result, jsonPath[(i + 1)..end]);
                i = end;
            }
            else if (jsonPath[i] == '[' && i + 1 < jsonPath.Length && jsonPath[i + 1] == '\'')
            {
                var end = jsonPath.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                    break;
                Append(result, jsonPath[(i + 2)..end]);
                i = end + 2;
            }
            else if (jsonPath[i] == '[')
            {
                var end = jsonPath.IndexOf(']', i);
                if (end < 0)
                    break;
                result.Append(jsonPath, i, end - i + 1);
                i = end + 1;
            }
            else
            {
                i++;
            }
        }
        return result.ToString();
    }

    /// <summary>The path's segments: names and, for list items, <c>[n]</c>.</summary>
    public static IReadOnlyList<string> Segments(string path)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        foreach (var c in path)
        {
            if (c == '.' || c == '[')
            {
                if (current.Length > 0)
                    segments.Add(current.ToString());
                current.Clear();
                if (c == '[')
                    current.Append('[');
            }
            else if (c == ']')
            {
                current.Append(']');
                segments.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length > 0)
            segments.Add(current.ToString());
        return segments;
    }

    private static void Append(StringBuilder result, string name)
    {
        if (result.Length > 0)
            result.Append('.');
        result.Append(name);
    }
}
