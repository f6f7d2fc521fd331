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
            if (!ProviderAuthHeaders.All.Contains(provider.AuthHeader))
                errors.Add((ConfigPath.Property(path, "auth_header"), $"must be one of: {string.Join(", ", ProviderAuthHeaders.All)}"));
            if (provider.Timeout <= TimeSpan.Zero)
                errors.Add((ConfigPath.Property(path, "timeout"), "must be greater than 0"));
            if (provider.ConnectTimeout <= TimeSpan.Zero)
                errors.Add((ConfigPath.Property(path, "connect_timeout"), "must be greater than 0"));
            foreach (var (name, value) in provider.Headers)
            {
                var headerPath = ConfigPath.Property(ConfigPath.Property(path, "headers"), name);
                if (!IsHeaderName(name) || ReservedHeaders.Contains(name))
                    errors.Add((headerPath, "is not a header name that may be set here"));
                else if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    errors.Add((headerPath, "must not contain line breaks"));
            }
            var breaker = provider.CircuitBreaker;
            var breakerPath = ConfigPath.Property(path, "circuit_breaker");
            if (breaker.Failures < 0)
                errors.Add((ConfigPath.Property(breakerPath, "failures"), "must not be negative"));
            if (breaker.Window <= TimeSpan.Zero)
                errors.Add((ConfigPath.Property(breakerPath, "window"), "must be greater than 0"));
            if (breaker.Cooldown <= TimeSpan.Zero)
                errors.Add((ConfigPath.Property(breakerPath, "cooldown"), "must be greater than 0"));
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
                if (target.Weight < 0)
                    errors.Add((ConfigPath.Property(targetPath, "weight"), "must not be negative"));
                if (target.MaxConcurrent is <= 0)
                    errors.Add((ConfigPath.Property(targetPath, "max_concurrent"), "must be greater than 0"));
                if (target.Rpm is <= 0)
                    errors.Add((ConfigPath.Property(targetPath, "rpm"), "must be greater than 0"));
                if (target.QueueTimeout < TimeSpan.Zero)
                    errors.Add((ConfigPath.Property(targetPath, "queue_timeout"), "must not be negative"));
            }
            ValidateRouteResilience(route, path, errors);
        }
    }

    private static void ValidateRouteResilience(RouteConfig route, string path, List<(string, string)> errors)
    {
        if (!RouteStrategies.All.Contains(route.Strategy))
            errors.Add((ConfigPath.Property(path, "strategy"), $"unknown strategy '{route.Strategy}' (known: {string.Join(", ", RouteStrategies.All)})"));
        else if (route.Strategy == RouteStrategies.Weighted && route.Targets.Count > 0 && route.Targets.All(t => t.Weight == 0))
            errors.Add((ConfigPath.Property(path, "targets"), "the weighted strategy needs at least one target with a weight above 0"));

        var retry = route.Retry;
        var retryPath = ConfigPath.Property(path, "retry");
        if (retry.Attempts < 1)
            errors.Add((ConfigPath.Property(retryPath, "attempts"), "must be at least 1"));
        if (retry.Backoff < TimeSpan.Zero)
            errors.Add((ConfigPath.Property(retryPath, "backoff"), "must not be negative"));
        if (retry.MaxBackoff < retry.Backoff)
            errors.Add((ConfigPath.Property(retryPath, "max_backoff"), "must not be less than backoff"));
        foreach (var status in retry.OnStatus)
        {
            if (status is < 400 or > 599)
                errors.Add((ConfigPath.Property(retryPath, "on_status"), $"{status} is not an HTTP error status (400-599)"));
        }
        foreach (var error in retry.OnError)
        {
            if (!RetryErrors.All.Contains(error))
                errors.Add((ConfigPath.Property(retryPath, "on_error"), $"unknown error '{error}' (known: {string.Join(", ", RetryErrors.All)})"));
        }

        var timeoutsPath = ConfigPath.Property(path, "timeouts");
        if (route.Timeouts.Connect is { } connect && connect <= TimeSpan.Zero)
            errors.Add((ConfigPath.Property(timeoutsPath, "connect"), "must be greater than 0"));
        if (route.Timeouts.FirstByte is { } firstByte && firstByte <= TimeSpan.Zero)
            errors.Add((ConfigPath.Property(timeoutsPath, "first_byte"), "must be greater than 0"));
        if (route.Timeouts.Total is { } total && total <= TimeSpan.Zero)
            errors.Add((ConfigPath.Property(timeoutsPath, "total"), "must be greater than 0"));
        if (route.Deadline is { } deadline && deadline <= TimeSpan.Zero)
            errors.Add((ConfigPath.Property(path, "deadline"), "must be greater than 0"));

        var holdPath = ConfigPath.Property(path, "stream_hold");
        if (route.StreamHold.Chunks < 0)
            errors.Add((ConfigPath.Property(holdPath, "chunks"), "must not be negative"));
        if (route.StreamHold.Bytes < 0)
            errors.Add((ConfigPath.Property(holdPath, "bytes"), "must not be negative"));
        if (route.StreamHold.Time < TimeSpan.Zero)
            errors.Add((ConfigPath.Property(holdPath, "time"), "must not be negative"));

        if (route.Cache is { } cache)
        {
            var cachePath = ConfigPath.Property(path, "cache");
            if (cache.Ttl <= TimeSpan.Zero)
                errors.Add((ConfigPath.Property(cachePath, "ttl"), "must be greater than 0"));
            if (cache.MaxEntries <= 0)
                errors.Add((ConfigPath.Property(cachePath, "max_entries"), "must be greater than 0"));
            if (cache.MaxBytes <= 0)
                errors.Add((ConfigPath.Property(cachePath, "max_bytes"), "must be greater than 0"));
            if (cache.MaxEntryBytes <= 0)
                errors.Add((ConfigPath.Property(cachePath, "max_entry_bytes"), "must be greater than 0"));
        }
    }

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
        "proxy-connection", "authorization", "api-key",
    };

    private static bool IsHeaderName(string name)
    {
        if (name.Length == 0)
            return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
                return false;
        }
        return true;
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
