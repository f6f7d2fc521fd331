namespace Holdfast.Core.Pricing;

/// <summary>
/// Money is counted in whole nano-dollars (10⁻⁹ USD): every cost is rounded to a nano-dollar once,
/// where it is computed, so budgets, usage records and reports add up to exactly the same sums.
/// </summary>
public static class Usd
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    public static long ToNanos(decimal usd) => (long)decimal.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal FromNanos(long nanos) => nanos / NanosPerDollar;

    /// <summary>The amount rounded to a whole nano-dollar.</summary>
    public static decimal Round(decimal usd) => FromNanos(ToNanos(usd));
}
