using System.CommandLine;

namespace Holdfast.Commands;

/// <summary>Options shared by every command that reads the configuration or the store.</summary>
internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = "Configuration file (default: $HOLDFAST_CONFIG, else ./holdfast.yaml if present, else embedded defaults).",
    };

    public static Option<string?> Data() => new("--data")
    {
        Description = "Data directory for the SQLite store (default: $HOLDFAST_DATA, else server.data_dir, else ./data).",
    };
}
