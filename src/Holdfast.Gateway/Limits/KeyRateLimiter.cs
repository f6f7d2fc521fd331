using System.Collections.Concurrent;
using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Limits;

/// <summary>
/// Requests per minute per key, in one-minute windows that open with a key's first request:
/// exactly <c>rpm</c> requests pass in any window, whatever the concurrency.
/// </summary>
public sealed class KeyRateLimiter(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, WindowState> _windows = new(StringComparer.Ordinal);

    public RateDecision TryAcquire(VirtualKey key)
    {
        if (key.Rpm is not { } limit)
            return RateDecision.Unlimited;
        var now = time.GetUtcNow();
        var state = _windows.GetOrAdd(key.Id, static _ => new WindowState());
        lock (state)
        {
            if (now >= state.Start + Window)
            {
                state.Start = now;
                state.Count = 0;
            }
            var reset = state.Start + Window - now;
            if (state.Count >= limit)
                return new RateDecision(false, limit, 0, reset);
            state.Count++;
            return new RateDecision(true, limit, limit - state.Count, reset);
        }
    }

    private sealed class WindowState
    {
        public DateTimeOffset Start = DateTimeOffset.MinValue;
        public int Count;
    }
}

public readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, TimeSpan Reset)
{
    public static readonly RateDecision Unlimited = new(true, 0, 0, TimeSpan.Zero);

    public bool IsLimited => Limit > 0;
}
