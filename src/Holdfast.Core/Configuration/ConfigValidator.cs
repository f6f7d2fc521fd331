namespace Holdfast.Core.Configuration;

/// <summary>Checks what the shape alone cannot: references, uniqueness, required values, ranges.</summary>
internal static class ConfigValidator
{
    public static List<(string Path, string Message)> Validate(HoldfastConfig config)
    {
        var errors = new List<(string, string)>();
        ValidateServer(config.Server, errors);
        ValidateStore(config.Store, errors);
        var providers = ValidateProviders(config.Providers, errors);
        ValidateRoutes(config.Routes, providers, errors);
        ValidatePrices("prices", config.Prices, errors);
        for (var i = 0; i < config.Providers.Count; i++)
            ValidatePrices(ConfigPath.Property(ConfigPath.Index("providers", i), "prices"), config.Providers[i].Prices, errors);
        CostControlValidator.Validate(config, errors);
        return errors;
    }

    private static void ValidateServer(ServerConfig server, List<(string, string)> errors)
    {
        if (server.MaxBodyBytes <= 0)
            errors.Add(("server.max_body_bytes", "must be greater than 0"));
        if (server.ShutdownTimeout < TimeSpan.Zero)
            errors.Add(("server.shutdown_timeout", "must not be negative"));
        if (server.Urls is { } urls)
        {
            foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    errors.Add(("server.urls", $"'{url}' is not an http:// or https:// address"));
            }
        }
    }

    private static void ValidateStore(StoreConfig store, List<(string, string)> errors)
    {
        if (store.Type == StoreType.Postgres && string.IsNullOrWhiteSpace(store.Connection))
            errors.Add(("store.connection", "is required when store.type is postgres"));
    }

    private static HashSet<string> ValidateProviders(IReadOnlyList<ProviderConfig> providers, List<(string, string)> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[i];
            var path = ConfigPath.Index("providers", i);
            if (string.IsNullOrWhiteSpace(provider.Name))
                errors.Add((ConfigPath.Property(path, "name"), "is required"));
            else if (!names.Add(provider.Name))
                errors.Add((ConfigPath.Property(path, "name"), $"provider '{provider.Name}' is defined twice"));
            if (!ProviderTypes.All.Contains(provider.Type))
                errors.Add((ConfigPath.Property(path, "type"), $"unknown provider type '{provider.Type}' (known: {string.Join(", ", ProviderTypes.All)})"));
            if (provider.BaseUrl is null)
                errors.Add((ConfigPath.Property(path, "base_url"), "is required"));
            else if (!provider.BaseUrl.IsAbsoluteUri || (provider.BaseUrl.Scheme != "http" && provider.BaseUrl.Scheme != "https"))
                errors.Add((ConfigPath.Property(path, "base_url"), "must be an absolute http:// or https:// URL"));
        }
        return names;
    }

    private static void ValidateRoutes(IReadOnlyList<RouteConfig> routes, HashSet<string> providers, List<(string, string)> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var path = ConfigPath.Index("routes", i);
            if (string.IsNullOrWhiteSpace(route.Name))
                errors.Add((ConfigPath.Property(path, "name"), "is required"));
            else if (!names.Add(route.Name))
                errors.Add((ConfigPath.Property(path, "name"), $"route '{route.Name}' is defined twice"));
            if (route.Targets.Count == 0)
                errors.Add((ConfigPath.Property(path, "targets"), "needs at least one target"));
            for (var t = 0; t < route.Targets.Count; t++)
            {
                var target = route.Targets[t];
                var targetPath = ConfigPath.Index(ConfigPath.Property(path, "targets"), t);
                if (!providers.Contains(target.Provider))
                    errors.Add((ConfigPath.Property(targetPath, "provider"), $"no provider named '{target.Provider}'"));
                if (string.IsNullOrWhiteSpace(target.Model))
                    errors.Add((ConfigPath.Property(targetPath, "model"), "is required"));
            }
        }
    }

    private static void ValidatePrices(string root, IReadOnlyDictionary<string, ModelPrice> prices, List<(string, string)> errors)
    {
        foreach (var (model, price) in prices)
        {
            var path = ConfigPath.Property(root, model);
            (string Field, decimal? Value)[] fields =
            [
                ("input", price.Input), ("output", price.Output), ("cached_input", price.CachedInput), ("cache_write", price.CacheWrite),
                ("per_image", price.PerImage), ("per_output_second", price.PerOutputSecond), ("per_gpu_second", price.PerGpuSecond),
            ];
            foreach (var (field, value) in fields)
            {
                if (value < 0)
                    errors.Add((ConfigPath.Property(path, field), "must not be negative"));
            }
        }
    }
}
