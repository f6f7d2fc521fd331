using Holdfast.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Holdfast.Server.Hosting;

/// <summary>
/// Reloads the configuration file: the new file is validated whole and swapped in only when valid;
/// requests in flight keep the snapshot they started with. Process settings (addresses, data
/// directory, store) need a restart.
/// </summary>
public sealed partial class ConfigReloader(ConfigHolder holder, ServerSettings settings, ServeOptions options, ILogger<ConfigReloader> logger)
{
    public IReadOnlyList<string> Reload()
    {
        var result = settings.ConfigPath is null
            ? ConfigLoader.LoadDefaults(options.Environment)
            : ConfigLoader.LoadFile(settings.ConfigPath, options.Environment);
        if (!result.IsValid)
        {
            var errors = result.Errors.Select(e => e.ToString()).ToList();
            LogRejected(logger, errors.Count);
            return errors;
        }
        holder.Swap(new ConfigSnapshot(result.Config!));
        LogReloaded(logger, result.Config!.Routes.Count, result.Config.Providers.Count);
        return [];
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Configuration reloaded: {Routes} routes, {Providers} providers")]
    private static partial void LogReloaded(ILogger logger, int routes, int providers);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Configuration reload rejected with {Count} errors; keeping the current one")]
    private static partial void LogRejected(ILogger logger, int count);
}
