using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Holdfast.Core.Configuration;

/// <summary>
/// Walks a configuration document against the shape of <see cref="HoldfastConfig"/> so that every
/// unknown field is reported at once (the deserializer stops at the first), and names the expected
/// type of any field for readable type errors.
/// </summary>
internal static class ConfigShape
{
    public static void FindUnknownFields(JsonNode? node, Type type, string path, List<(string Path, string Message)> errors)
    {
        var info = ConfigJson.Options.GetTypeInfo(Unwrap(type));
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var property = info.Properties.FirstOrDefault(p => p.Name == name);
                    var childPath = ConfigPath.Property(path, name);
                    if (property is null)
                        errors.Add((childPath, $"unknown field '{name}'{Suggest(name, info)}"));
                    else
                        FindUnknownFields(child, property.PropertyType, childPath, errors);
                }
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    FindUnknownFields(array[i], info.ElementType!, ConfigPath.Index(path, i), errors);
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map:
                foreach (var (name, child) in map)
                    FindUnknownFields(child, info.ElementType!, ConfigPath.Property(path, name), errors);
                break;
        }
    }

    /// <summary>The declared type of the field at <paramref name="path"/>, or null when the path leaves the shape.</summary>
    public static Type? TypeAt(string path)
    {
        Type? type = typeof(HoldfastConfig);
        foreach (var segment in ConfigPath.Segments(path))
        {
            var info = ConfigJson.Options.GetTypeInfo(Unwrap(type!));
            type = info.Kind switch
            {
                JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => p.Name == segment)?.PropertyType,
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => info.ElementType,
                _ => null,
            };
            if (type is null)
                return null;
        }
        return type;
    }

    public static string Describe(Type type)
    {
        type = Unwrap(type);
        if (type == typeof(string))
            return "text";
        if (type == typeof(bool))
            return "true or false";
        if (type == typeof(int) || type == typeof(long))
            return "a whole number";
        if (type == typeof(decimal) || type == typeof(double))
            return "a number";
        if (type == typeof(TimeSpan))
            return "a duration such as 30s";
        if (type == typeof(Uri))
            return "a URL";
        if (type == typeof(Budgets.BudgetLimit))
            return "a budget such as 20/month";
        if (type.IsEnum)
            return "one of: " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
        var kind = ConfigJson.Options.GetTypeInfo(type).Kind;
        return kind switch
        {
            JsonTypeInfoKind.Enumerable => "a list",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a mapping of fields",
            _ => type.Name,
        };
    }

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static string Suggest(string name, JsonTypeInfo info)
    {
        var known = info.Properties.Select(p => p.Name).ToList();
        var close = known.FirstOrDefault(k => Distance(k, name) <= 2);
        return close is null ? $" (known: {string.Join(", ", known)})" : $" (did you mean '{close}'?)";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        }
        return d[a.Length, b.Length];
    }
}
