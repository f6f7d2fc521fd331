using System.ComponentModel;

namespace Holdfast.Core.Configuration;

public sealed record ServerConfig
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    [Description("Addresses to listen on, separated by ';'. Default http://127.0.0.1:8080.")]
    public string? Urls { get; init; }

    [Description("Directory for the SQLite store and other local state. Default ./data.")]
    public string? DataDir { get; init; }

    [Description("Largest request body accepted, in bytes; larger requests get 413. Default 16 MiB.")]
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    [Description("How long in-flight requests and streams may run on after a stop is asked for. Default 30s.")]
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
