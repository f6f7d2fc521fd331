using System.Collections;

namespace Holdfast.Server.Hosting;

/// <summary>What <c>holdfast serve</c> was given on its command line, and the process environment.</summary>
public sealed record ServeOptions
{
    public string? ConfigPath { get; init; }
    public string? Urls { get; init; }
    public string? DataDir { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ProcessEnvironment();
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        return variables;
    }
}
