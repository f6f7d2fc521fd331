namespace Holdfast.Core.Configuration;

/// <summary>Checks the cost-control settings: time zone, budgets, alerts, server cost, retention.</summary>
internal static class CostControlValidator
{
    public static void Validate(HoldfastConfig config, List<(string, string)> errors)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(config.TimeZone, out _))
            errors.Add(("time_zone", $"unknown time zone '{config.TimeZone}' (use an IANA name such as UTC or Europe/Berlin)"));

        var budgets = config.Budgets;
        var routes = config.Routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in budgets.Routes.Keys.Where(name => !routes.Contains(name)))
            errors.Add((ConfigPath.Property(ConfigPath.Property("budgets", "routes"), name), $"no route named '{name}'"));
        for (var i = 0; i < budgets.Thresholds.Count; i++)
        {
            if (budgets.Thresholds[i] is <= 0 or > 1000)
                errors.Add((ConfigPath.Index(ConfigPath.Property("budgets", "thresholds"), i), "must be a percentage between 1 and 1000"));
        }
        if (budgets.AssumedMaxTokens <= 0)
            errors.Add(("budgets.assumed_max_tokens", "must be greater than 0"));
        if (budgets.Webhook is { } webhook)
            ValidateWebhook(webhook, errors);

        for (var i = 0; i < config.Routes.Count; i++)
        {
            if (config.Routes[i].DefaultMaxTokens is <= 0)
                errors.Add((ConfigPath.Property(ConfigPath.Index("routes", i), "default_max_tokens"), "must be greater than 0"));
        }

        if (config.ServerCost is { } cost)
        {
            if (cost.PerHour < 0)
                errors.Add(("server_cost.per_hour", "must not be negative"));
            if (cost.Currency.Length != 3 || !cost.Currency.All(char.IsAsciiLetterUpper))
                errors.Add(("server_cost.currency", "must be a three-letter currency code such as USD or EUR"));
        }

        if (config.Usage.Retention < TimeSpan.FromHours(1))
            errors.Add(("usage.retention", "must be at least 1h"));
    }

    private static void ValidateWebhook(WebhookConfig webhook, List<(string, string)> errors)
    {
        if (webhook.Url is null)
            errors.Add(("budgets.webhook.url", "is required"));
        else if (!webhook.Url.IsAbsoluteUri || (webhook.Url.Scheme != "http" && webhook.Url.Scheme != "https"))
            errors.Add(("budgets.webhook.url", "must be an absolute http:// or https:// URL"));
        if (string.IsNullOrWhiteSpace(webhook.Secret))
            errors.Add(("budgets.webhook.secret", "is required: whsec_ followed by a base64 key"));
        else if (!IsBase64(webhook.Secret.StartsWith("whsec_", StringComparison.Ordinal) ? webhook.Secret[6..] : webhook.Secret))
            errors.Add(("budgets.webhook.secret", "must be whsec_ followed by a base64 key"));
    }

    private static bool IsBase64(string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        return text.Length is > 0 and <= 340 && Convert.TryFromBase64String(text, buffer, out var written) && written >= 16;
    }
}
