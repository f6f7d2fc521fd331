using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Limits;

/// <summary>OpenAI's <c>x-ratelimit-*</c> headers for the key's own limits; resets are duration strings like <c>6m0s</c>.</summary>
public static class RateLimitHeaders
{
    public static void Write(HttpResponse response, RateDecision decision)
    {
        if (decision.IsLimited)
        {
            response.Headers["x-ratelimit-limit-requests"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-requests"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-requests"] = FormatDuration(decision.Reset);
        }
        if (decision.TokenLimit > 0)
        {
            response.Headers["x-ratelimit-limit-tokens"] = decision.TokenLimit.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-remaining-tokens"] = decision.TokensRemaining.ToString(CultureInfo.InvariantCulture);
            response.Headers["x-ratelimit-reset-tokens"] = FormatDuration(decision.TokenReset);
        }
    }

    /// <summary>Go-style durations, as OpenAI sends them: <c>12ms</c>, <c>1s</c>, <c>6m0s</c>, <c>1h2m3.5s</c>.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            return "0s";
        if (value < TimeSpan.FromSeconds(1))
            return $"{Math.Max(1, (long)Math.Ceiling(value.TotalMilliseconds))}ms";
        var text = new StringBuilder();
        if (value.TotalHours >= 1)
            text.Append(CultureInfo.InvariantCulture, $"{(long)value.TotalHours}h");
        if (value.TotalMinutes >= 1)
            text.Append(CultureInfo.InvariantCulture, $"{value.Minutes}m");
        var seconds = value.Seconds + (value.Milliseconds / 1000m);
        text.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s');
        return text.ToString();
    }
}
