namespace Holdfast.Gateway.Forwarding;

public static class UpstreamStatus
{
    /// <summary>Statuses outside what OpenAI clients understand become their nearest standard one (Anthropic's 529 → 503).</summary>
    public static int ForClient(int upstreamStatus) => upstreamStatus switch
    {
        529 => 503,
        > 599 => 502,
        _ => upstreamStatus,
    };

    /// <summary>
    /// Whether another target may succeed where this answer failed: overload, timeouts, server errors,
    /// and a target whose own credentials or model are wrong (401, 403, 404). A 400 is the request's
    /// fault and would fail everywhere.
    /// </summary>
    public static bool WorthFallingBack(int upstreamStatus) =>
        upstreamStatus is 401 or 403 or 404 or 408 or 409 or 429 or >= 500;
}
