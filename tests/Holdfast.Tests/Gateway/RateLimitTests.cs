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
}
