using System.Globalization;

namespace Holdfast.Gateway.Routing;

/// <summary>Reads how long an upstream asked to be left alone: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, <c>retry-after</c> (seconds or a date).</summary>
public static class RetryAfter
{
    public static TimeSpan? Read(HttpResponseMessage response, DateTimeOffset now)
    {
        var headers = response.Headers;
        if (TryMilliseconds(headers, "retry-after-ms", out var ms) || TryMilliseconds(headers, "x-ms-retry-after-ms", out ms))
            return ms;
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
                return delta;
            if (retryAfter.Date is { } date)
                return date > now ? date - now : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Whether the upstream said a retry cannot help (<c>x-should-retry: false</c>).</summary>
    public static bool ForbidsRetry(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-should-retry", out var values) &&
        values.FirstOrDefault() is { } value && value.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static bool TryMilliseconds(System.Net.Http.Headers.HttpResponseHeaders headers, string name, out TimeSpan value)
    {
        value = default;
        if (!headers.TryGetValues(name, out var values) || values.FirstOrDefault() is not { } text ||
            !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || ms < 0)
            return false;
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
