using Holdfast.Core.Configuration;

namespace Holdfast.Tests.Configuration;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("2d", 172_800_000)]
    [InlineData("1.5", 1_500)]
    public void Parses(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 minutes")]
    [InlineData("-3")]
    [InlineData("10x")]
    public void Rejects(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Fact]
    public void Format_RoundTrips()
    {
        foreach (var value in new[] { TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10), TimeSpan.FromHours(2) })
        {
            Assert.True(DurationParser.TryParse(DurationParser.Format(value), out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
