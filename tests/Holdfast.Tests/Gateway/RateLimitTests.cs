using Holdfast.Core.Keys;
using Holdfast.Gateway.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Holdfast.Tests.Gateway;

public sealed class RateLimitTests
{
    [Theory]
    [InlineData(12, "12ms")]
    [InlineData(1000, "1s")]
    [InlineData(6500, "6.5s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Durations_AreGoStyle(long milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public async Task Window_AdmitsExactlyTheLimit_UnderConcurrency_AndResets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var limiter = new KeyRateLimiter(time);
        var key = new VirtualKey { Id = "k", Name = "n", Hash = "h", Prefix = "p", Rpm = 100, CreatedAt = time.GetUtcNow() };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 640).Select(_ => Task.Run(() => limiter.TryAcquire(key))));
        Assert.Equal(100, decisions.Count(d => d.Allowed));

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(limiter.TryAcquire(key).Allowed);
        time.Advance(TimeSpan.FromSeconds(1));
        var next = limiter.TryAcquire(key);
        Assert.True(next.Allowed);
        Assert.Equal(99, next.Remaining);
    }

    [Fact]
    public void TokensPerMinute_AdmitsWhileTokensRemain_AndReportsThem()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        var limiter = new KeyRateLimiter(time);
        var key = new VirtualKey { Id = "k", Name = "n", Hash = "h", Prefix = "p", Tpm = 100, CreatedAt = time.GetUtcNow() };

        var first = limiter.TryAcquire(key);
        Assert.True(first.Allowed);
        Assert.Equal(100, first.TokensRemaining);
        limiter.AddTokens(key, 60);
        Assert.Equal(40, limiter.TryAcquire(key).TokensRemaining);
        limiter.AddTokens(key, 60);

        var refused = limiter.TryAcquire(key);
        Assert.False(refused.Allowed);
        Assert.Equal(RateLimitKind.Tokens, refused.Rejected);
        Assert.Equal(0, refused.TokensRemaining);
        Assert.Equal(60, refused.RetryAfterSeconds);

        time.Advance(TimeSpan.FromSeconds(45));
        var later = limiter.TryAcquire(key);
        Assert.False(later.Allowed);
        Assert.Equal(15, later.RetryAfterSeconds);
        Assert.Equal("15s", RateLimitHeaders.FormatDuration(later.TokenReset));
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(limiter.TryAcquire(key).Allowed);
    }

    [Fact]
    public async Task Concurrency_AdmitsExactlyTheLimit_UntilOneIsReleased()
    {
        var time = new FakeTimeProvider();
        var limiter = new KeyRateLimiter(time);
        var key = new VirtualKey { Id = "k", Name = "n", Hash = "h", Prefix = "p", Concurrency = 4, Rpm = 1000, CreatedAt = time.GetUtcNow() };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => limiter.TryAcquire(key))));
        var admitted = decisions.Where(d => d.Allowed).ToList();
        Assert.Equal(4, admitted.Count);
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(RateLimitKind.Concurrency, d.Rejected));
        // Refused requests did not use up the requests-per-minute window.
        Assert.Equal(996, admitted.Min(d => d.Remaining));

        limiter.Release(key, admitted[0]);
        Assert.True(limiter.TryAcquire(key).Allowed);
        Assert.False(limiter.TryAcquire(key).Allowed);
    }
}
