using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Caching;

/// <summary>Sends a cache hit: the stored bytes as they were first sent, a stream replayed as the same SSE.</summary>
public static class CachedAnswerWriter
{
    public const string Header = "x-holdfast-cache";
    public const string SourceHeader = "x-holdfast-cache-source";

    public static async Task WriteAsync(HttpContext context, CacheHit hit, string source)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = hit.ContentType;
        response.Headers[Header] = "hit";
        response.Headers[SourceHeader] = source;
        if (hit.ContentType.StartsWith("text/event-stream", StringComparison.Ordinal))
        {
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
        }
        else
        {
            response.ContentLength = hit.Body.Length;
        }
        await response.Body.WriteAsync(hit.Body, context.RequestAborted);
    }
}
