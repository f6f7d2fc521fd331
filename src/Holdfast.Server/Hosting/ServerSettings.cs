using Holdfast.Core.Configuration;

namespace Holdfast.Server.Hosting;

/// <summary>
/// The configuration and the three process settings, each taken from, in order: the command line,
/// the environment (<c>HOLDFAST_CONFIG</c>, <c>HOLDFAST_URLS</c>, <c>HOLDFAST_DATA</c>), the config file, the defaults.
/// </summary>
public sealed record ServerSettings(HoldfastConfig Config, string? ConfigPath, string Urls, string DataDir)
{
    public const string DefaultConfigFile = "holdfast.yaml";
    public const string DefaultDataDir = "data";

    public static ConfigLoadResult LoadConfig(ServeOptions options, out string? configPath)
    {
        configPath = options.ConfigPath ?? options.Environment.GetValueOrDefault("HOLDFAST_CONFIG");
        if (string.IsNullOrEmpty(configPath) && File.Exists(DefaultConfigFile))
            configPath = DefaultConfigFile;
        if (string.IsNullOrEmpty(configPath))
        {
            configPath = null;
            return ConfigLoader.LoadDefaults(options.Environment);
        }
        return ConfigLoader.LoadFile(configPath, options.Environment);
    }

    /// <exception cref="ConfigException">The configuration is invalid.</exception>
    public static ServerSettings Resolve(ServeOptions options)
    {
        var config = LoadConfig(options, out var configPath).GetOrThrow();
        var urls = First(options.Urls, options.Environment.GetValueOrDefault("HOLDFAST_URLS"), config.Server.Urls) ?? ServerConfig.DefaultUrls;
        var dataDir = First(options.DataDir, options.Environment.GetValueOrDefault("HOLDFAST_DATA"), config.Server.DataDir) ?? DefaultDataDir;
        return new ServerSettings(config, configPath, urls, Path.GetFullPath(dataDir));
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
