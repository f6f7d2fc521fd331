using System.Collections.Concurrent;
using Holdfast.Core.Keys;

namespace Holdfast.Gateway.Limits;

/// <summary>
/// A key's own limits, kept in memory: requests per minute and tokens per minute in one-minute
/// windows that open with the key's first request, and requests in flight. Exactly <c>rpm</c>
/// requests pass in a window, whatever the concurrency; counting is lock-free.
/// </summary>
/// <remarks>
/// Tokens are known only once an answer is metered, so the token limit admits a request while the
/// window's tokens are below the limit and counts its tokens when it ends.
/// </remarks>
public sealed class KeyRateLimiter(TimeProvider time)
{
    private const long WindowMs = 60_000;
    private readonly ConcurrentDictionary<string, KeyState> _keys = new(StringComparer.Ordinal);

    public RateDecision TryAcquire(VirtualKey key)
    {
        if (key.Rpm is null && key.Tpm is null && key.Concurrency is null)
            return RateDecision.Unlimited;
        var state = _keys.GetOrAdd(key.Id, static _ => new KeyState());
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        var requests = key.Rpm is not null ? Current(ref state.Requests, now) : null;
        var tokens = key.Tpm is not null ? Current(ref state.Tokens, now) : null;
        var decision = new RateDecision(true, key.Rpm ?? 0, key.Rpm ?? 0, requests is null ? TimeSpan.Zero : Reset(requests, now))
        {
            TokenLimit = key.Tpm ?? 0,
            TokensRemaining = tokens is null ? 0 : Math.Max(0, key.Tpm!.Value - Interlocked.Read(ref tokens.Count)),
            TokenReset = tokens is null ? TimeSpan.Zero : Reset(tokens, now),
        };

        if (key.Concurrency is { } concurrency && Interlocked.Increment(ref state.InFlight) > concurrency)
        {
            Interlocked.Decrement(ref state.InFlight);
            return decision with { Allowed = false, Rejected = RateLimitKind.Concurrency, ConcurrencyLimit = concurrency };
        }
        var holdsSlot = key.Concurrency is not null;
        if (tokens is not null && decision.TokensRemaining <= 0)
            return Refuse(state, holdsSlot, decision with { Allowed = false, Rejected = RateLimitKind.Tokens });
        if (requests is not null)
        {
            var count = Interlocked.Increment(ref requests.Count);
            if (count > key.Rpm)
                return Refuse(state, holdsSlot, decision with { Allowed = false, Remaining = 0, Rejected = RateLimitKind.Requests });
            decision = decision with { Remaining = key.Rpm!.Value - (int)count };
        }
        return decision with { HoldsConcurrency = holdsSlot };
    }

    /// <summary>Ends a request admitted with <see cref="RateDecision.HoldsConcurrency"/>.</summary>
    public void Release(VirtualKey key, RateDecision decision)
    {
        if (decision.HoldsConcurrency && _keys.TryGetValue(key.Id, out var state))
            Interlocked.Decrement(ref state.InFlight);
    }

    /// <summary>Counts a finished request's tokens against the key's tokens per minute.</summary>
    public void AddTokens(VirtualKey key, long tokens)
    {
        if (key.Tpm is null || tokens <= 0)
            return;
        var state = _keys.GetOrAdd(key.Id, static _ => new KeyState());
        var window = Current(ref state.Tokens, time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Add(ref window.Count, tokens);
    }

    private static RateDecision Refuse(KeyState state, bool holdsSlot, RateDecision decision)
    {
        if (holdsSlot)
            Interlocked.Decrement(ref state.InFlight);
        return decision;
    }

    /// <summary>The window that holds <paramref name="now"/>, opening a new one when the last has ended.</summary>
    private static Window Current(ref Window? slot, long now)
    {
        while (true)
        {
            var window = Volatile.Read(ref slot);
            if (window is not null && now < window.Start + WindowMs)
                return window;
            var fresh = new Window(now);
            if (Interlocked.CompareExchange(ref slot, fresh, window) == window)
                return fresh;
        }
    }

    private static TimeSpan Reset(Window window, long now) => TimeSpan.FromMilliseconds(Math.Max(0, window.Start + WindowMs - now));

    private sealed class KeyState
    {
        public Window? Requests;
        public Window? Tokens;
        public int InFlight;
    }

    private sealed class Window(long start)
    {
        public readonly long Start = start;
        public long Count;
    }
}

public enum RateLimitKind
{
    None,
    Requests,
    Tokens,
    Concurrency,
}

/// <summary>What the key's limits said about one request, and what its <c>x-ratelimit-*</c> headers report.</summary>
public readonly record struct RateDecision(bool Allowed, int Limit, int Remaining, TimeSpan Reset)
{
    public static readonly RateDecision Unlimited = new(true, 0, 0, TimeSpan.Zero);

    /// <summary>Whether the key has a requests-per-minute limit.</summary>
    public bool IsLimited => Limit > 0;

    public long TokenLimit { get; init; }

    public long TokensRemaining { get; init; }

    public TimeSpan TokenReset { get; init; }

    public int ConcurrencyLimit { get; init; }

    /// <summary>Which limit refused the request.</summary>
    public RateLimitKind Rejected { get; init; }

    /// <summary>The request took one of the key's concurrency slots: release it when the request ends.</summary>
    public bool HoldsConcurrency { get; init; }

    /// <summary>Seconds until the refusing limit has room again (at least 1).</summary>
    public int RetryAfterSeconds => Rejected switch
    {
        RateLimitKind.Requests => Math.Max(1, (int)Math.Ceiling(Reset.TotalSeconds)),
        RateLimitKind.Tokens => Math.Max(1, (int)Math.Ceiling(TokenReset.TotalSeconds)),
        _ => 1,
    };
}
