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

    /// <summary>Whether another target may succeed where this answer failed.</summary>
    public static bool WorthFallingBack(int upstreamStatus) =>
        upstreamStatus is 408 or 409 or 429 or >= 500;
}
