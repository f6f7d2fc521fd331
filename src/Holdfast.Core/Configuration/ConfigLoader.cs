using System.Text.Json;
using System.Text.Json.Nodes;

namespace Holdfast.Core.Configuration;

public sealed record ConfigLoadResult(HoldfastConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null && Errors.Count == 0;

    public HoldfastConfig GetOrThrow() => IsValid ? Config! : throw new ConfigException(Errors);
}

/// <summary>
/// Loads <c>holdfast.yaml</c>: YAML with <c>${ENV}</c> substitution, every field also settable from
/// an environment variable (<c>HOLDFAST_SERVER__MAX_BODY_BYTES</c> sets <c>server.max_body_bytes</c>),
/// unknown fields rejected, and every error located by file, line and field.
/// </summary>
public static class ConfigLoader
{
    public const string EnvPrefix = "HOLDFAST_";

    public static ConfigLoadResult LoadFile(string path, IReadOnlyDictionary<string, string> environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ConfigLoadResult(null, [new ConfigError(path, 0, 0, "", $"cannot read the file: {e.Message}")]);
        }
        return LoadText(text, path, environment);
    }

    /// <summary>The embedded defaults, with environment overrides applied.</summary>
    public static ConfigLoadResult LoadDefaults(IReadOnlyDictionary<string, string> environment) =>
        LoadText("", "(defaults)", environment);

    public static ConfigLoadResult LoadText(string yaml, string file, IReadOnlyDictionary<string, string> environment)
    {
        var reader = new YamlDocumentReader(file, name => environment.GetValueOrDefault(name));
        var document = reader.Read(yaml);
        var errors = new List<ConfigError>(reader.Errors);
        var overrides = ApplyEnvironmentOverrides(document, environment);

        ConfigError Locate((string Path, string Message) problem)
        {
            if (overrides.TryGetValue(problem.Path, out var variable))
                return new ConfigError($"environment variable {variable}", 0, 0, problem.Path, problem.Message);
            var (line, column) = FindPosition(reader.Positions, problem.Path);
            return new ConfigError(file, line, column, problem.Path, problem.Message);
        }

        var unknown = new List<(string, string)>();
        ConfigShape.FindUnknownFields(document, typeof(HoldfastConfig), "", unknown);
        errors.AddRange(unknown.Select(Locate));
        if (errors.Count > 0)
            return new ConfigLoadResult(null, errors);

        HoldfastConfig? config;
        try
        {
            config = document.Deserialize<HoldfastConfig>(ConfigJson.Options);
        }
        catch (JsonException e)
        {
            var path = ConfigPath.FromJsonPath(e.Path);
            return new ConfigLoadResult(null, [Locate((path, DescribeTypeError(path, e)))]);
        }
        if (config is null)
            return new ConfigLoadResult(null, [new ConfigError(file, 1, 1, "", "the file is empty or null")]);

        errors.AddRange(ConfigValidator.Validate(config).Select(Locate));
        return new ConfigLoadResult(errors.Count == 0 ? config : null, errors);
    }

    private static Dictionary<string, string> ApplyEnvironmentOverrides(JsonObject document, IReadOnlyDictionary<string, string> environment)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in environment.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvPrefix, StringComparison.Ordinal))
                continue;
            var segments = name[EnvPrefix.Length..].ToLowerInvariant().Split("__");
            var path = string.Join('.', segments);
            var type = ConfigShape.TypeAt(path);
            if (type is null || !IsScalar(type))
                continue;
            var target = document;
            foreach (var segment in segments[..^1])
            {
                if (target[segment] is not JsonObject child)
                {
                    child = [];
                    target[segment] = child;
                }
                target = child;
            }
            target[segments[^1]] = JsonValue.Create(value);
            applied[path] = name;
        }
        return applied;
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
            || type == typeof(TimeSpan) || type == typeof(Uri) || type == typeof(Budgets.BudgetLimit);
    }

    private static (int Line, int Column) FindPosition(Dictionary<string, (int Line, int Column)> positions, string path)
    {
        // An error on a missing field points at its parent, the nearest thing that exists in the file.
        while (true)
        {
            if (positions.TryGetValue(path, out var position))
                return position;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0)
                return positions.TryGetValue(path, out position) ? position : (1, 1);
            path = path[..cut];
        }
    }

    private static string DescribeTypeError(string path, JsonException e)
    {
        var type = ConfigShape.TypeAt(path);
        var message = e.Message;
        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) ||
            message.StartsWith("The JSON property", StringComparison.Ordinal) || e.InnerException is not null)
            return type is null ? "has the wrong type" : $"expected {ConfigShape.Describe(type)}";
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
