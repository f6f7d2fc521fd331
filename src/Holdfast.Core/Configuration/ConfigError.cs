namespace Holdfast.Core.Configuration;

/// <summary>One problem in a configuration file, located by line, column and field path.</summary>
public sealed record ConfigError(string File, int Line, int Column, string Path, string Message)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length > 0 ? $"{where}: {Path}: {Message}" : $"{where}: {Message}";
    }
}

public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception("Invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
