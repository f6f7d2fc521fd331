using Holdfast.Core.Configuration;
using Holdfast.Gateway;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Http;
using Holdfast.Server.Admin;
using Holdfast.Server.Dashboard;
using Holdfast.Server.Health;
using Holdfast.Server.Keys;
using Holdfast.Server.Usage;
using Holdfast.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Holdfast.Server.Hosting;

/// <summary>
/// Builds the whole server from its settings. The CLI, the tests and the benchmarks all host
/// exactly this.
/// </summary>
public static partial class HoldfastServer
{
    /// <exception cref="ConfigException">The configuration is invalid.</exception>
    public static async Task<WebApplication> CreateAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        var settings = ServerSettings.Resolve(options);
        var config = settings.Config;
        var store = StoreFactory.Open(config.Store, settings.DataDir, options.Time);
        try
        {
            await store.MigrateAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls(settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.Server.MaxBodyBytes;
        });
        // Under systemd: Type=notify readiness and journal-friendly logs; elsewhere a no-op.
        builder.Host.UseSystemd();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = config.Server.ShutdownTimeout);
        ConfigureLogging(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(settings);
        services.AddSingleton(new ConfigHolder(new ConfigSnapshot(config)));
        services.AddSingleton<IStore>(_ => store);
        services.AddSingleton<KeyManagement>();
        services.AddSingleton<AdminAuth>();
        services.AddSingleton<ConfigReloader>();
        services.AddSingleton<UsageReporter>();
        services.AddHoldfastGateway();

        var app = builder.Build();
        await app.Services.GetRequiredService<KeyRing>().RefreshAsync(force: true, cancellationToken);

        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.MapHealth();
        app.MapHomePage();
        app.MapGatewayApi();
        app.MapAdminApi();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Holdfast");
        app.Lifetime.ApplicationStarted.Register(() =>
            LogStarted(logger, settings.Urls, store.Kind, settings.ConfigPath ?? "(embedded defaults)", config.Routes.Count));
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            console.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(LogLevel.Information);
        // Per-request framework logs cost more than the gateway's own work.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Holdfast listening on {Urls}; store {Store}; config {Config}; {Routes} routes")]
    private static partial void LogStarted(ILogger logger, string urls, string store, string config, int routes);
}
