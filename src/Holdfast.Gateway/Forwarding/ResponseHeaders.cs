using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>Which upstream response headers a client sees. Everything else (hop-by-hop, cookies, server) stays behind.</summary>
internal static class ResponseHeaders
{
    public const string Provider = "x-holdfast-provider";
    public const string Attempts = "x-holdfast-attempts";
    public const string UpstreamRequestId = "x-upstream-request-id";

    private static readonly string[] PassThrough =
    [
        "openai-processing-ms", "openai-version",
        "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
        "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
        "retry-after", "retry-after-ms", "x-should-retry",
    ];

    public static void Copy(HttpResponseMessage upstream, HttpResponse response)
    {
        var headers = upstream.Headers;
        foreach (var name in PassThrough)
        {
            if (headers.TryGetValues(name, out var values))
                response.Headers[name] = values.ToArray();
        }
        if (headers.TryGetValues("x-request-id", out var ids))
            response.Headers[UpstreamRequestId] = ids.ToArray();
        if (upstream.Content.Headers.ContentType is { } contentType)
            response.ContentType = contentType.ToString();
    }
}
