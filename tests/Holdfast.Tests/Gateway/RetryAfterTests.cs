using System.Net;
using Holdfast.Gateway.Routing;

namespace Holdfast.Tests.Gateway;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage With(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        foreach (var (name, value) in headers)
            response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    [Fact]
    public void Milliseconds_WinOverSeconds()
    {
        using var response = With(("retry-after", "5"), ("retry-after-ms", "1500"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RetryAfter.Read(response, Now));
    }

    [Fact]
    public void AzureMilliseconds_AreRead()
    {
        using var response = With(("x-ms-retry-after-ms", "250"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), RetryAfter.Read(response, Now));
    }

    [Fact]
    public void Seconds_AndHttpDates_AreRead()
    {
        using var seconds = With(("retry-after", "7"));
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfter.Read(seconds, Now));
        using var date = With(("retry-after", Now.AddSeconds(20).ToString("R")));
        Assert.Equal(TimeSpan.FromSeconds(20), RetryAfter.Read(date, Now));
    }

    [Fact]
    public void NothingOrGarbage_IsNull()
    {
        using var none = With();
        Assert.Null(RetryAfter.Read(none, Now));
        using var garbage = With(("retry-after-ms", "soon"));
        Assert.Null(RetryAfter.Read(garbage, Now));
    }

    [Fact]
    public void ShouldRetryFalse_ForbidsRetry()
    {
        using var no = With(("x-should-retry", "false"));
        using var yes = With(("x-should-retry", "true"));
        Assert.True(RetryAfter.ForbidsRetry(no));
        Assert.False(RetryAfter.ForbidsRetry(yes));
    }
}
