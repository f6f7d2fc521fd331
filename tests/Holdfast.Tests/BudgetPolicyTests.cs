using Holdfast.Core.Budgets;
using Holdfast.Core.Usage;

namespace Holdfast.Tests;

public sealed class BudgetPolicyTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    [Theory]
    [InlineData("20/month", 20, BudgetWindow.Month)]
    [InlineData("$5/day", 5, BudgetWindow.Day)]
    [InlineData("1.25/weekly", 1.25, BudgetWindow.Week)]
    [InlineData("100", 100, BudgetWindow.Total)]
    public void Limit_Parses(string text, decimal amount, BudgetWindow window)
    {
        Assert.True(BudgetLimit.TryParse(text, out var limit));
        Assert.Equal(new BudgetLimit(amount, window), limit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1/day")]
    [InlineData("20/fortnight")]
    [InlineData("twenty")]
    public void Limit_RejectsNonsense(string text) => Assert.False(BudgetLimit.TryParse(text, out _));

    [Fact]
    public void Periods_FollowTheCalendar()
    {
        var at = new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);
        Assert.Equal(new BudgetPeriod(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero)),
            BudgetPeriod.At(BudgetWindow.Day, at, Utc));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), BudgetPeriod.At(BudgetWindow.Week, at, Utc).Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), BudgetPeriod.At(BudgetWindow.Month, at, Utc).End);
        Assert.Null(BudgetPeriod.At(BudgetWindow.Total, at, Utc).End);
    }

    [Fact]
    public void Periods_InATimeZone_StartAtLocalMidnight_AcrossDaylightSaving()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 1 November 2026: clocks go back at 02:00 EDT; the day is 25 hours long.
        var day = BudgetPeriod.At(BudgetWindow.Day, new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero), newYork);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 4, 0, 0, TimeSpan.Zero), day.Start);
        Assert.Equal(TimeSpan.FromHours(25), day.End - day.Start);
        var kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 18, 30, 0, TimeSpan.Zero),
            BudgetPeriod.At(BudgetWindow.Month, new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero), kolkata).Start);
    }

    [Fact]
    public void Account_AdmitsUpToTheLimitInclusive_AndSettlesToTheRealCost()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var account = new BudgetAccount(BudgetScope.Key("k"), new BudgetLimit(1m, BudgetWindow.Day), BudgetPeriod.At(BudgetWindow.Day, start, Utc), 0, new HashSet<int>());
        Assert.True(account.CanReserve(1_000_000_000));
        Assert.False(account.CanReserve(1_000_000_001));
        account.Reserve(600_000_000);
        Assert.False(account.CanReserve(400_000_001));
        account.Settle(account.Period.Start, 600_000_000, 500_000_000);
        Assert.Equal((500_000_000L, 0L), (account.SpentNanos, account.ReservedNanos));
        Assert.Equal([50], account.TakeCrossedThresholds([50, 80]));
        Assert.Empty(account.TakeCrossedThresholds([50, 80]));

        Assert.True(account.RollTo(start.AddDays(1), Utc));
        Assert.Equal(0, account.SpentNanos);
        // A call reserved yesterday settles into yesterday, not into the new day.
        account.Settle(start, 100, 100);
        Assert.Equal(0, account.SpentNanos);
    }

    [Fact]
    public void LatencyHistogram_Percentiles_AreInterpolatedWithinBuckets()
    {
        var counts = new long[LatencyHistogram.BucketCount];
        for (var ms = 1; ms <= 100; ms++)
            counts[LatencyHistogram.BucketOf(TimeSpan.FromMilliseconds(ms))]++;
        Assert.Equal(50, LatencyHistogram.Percentile(counts, 0.5)!.Value.TotalMilliseconds, 0);
        Assert.InRange(LatencyHistogram.Percentile(counts, 0.95)!.Value.TotalMilliseconds, 90, 100);
        Assert.Null(LatencyHistogram.Percentile(new long[LatencyHistogram.BucketCount], 0.5));
    }
}
