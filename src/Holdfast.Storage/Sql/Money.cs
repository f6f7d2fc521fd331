namespace Holdfast.Storage.Sql;

/// <summary>Money is stored as whole nano-dollars (10⁻⁹ USD) so sums stay exact in every backend.</summary>
internal static class Money
{
    private const decimal NanosPerDollar = 1_000_000_000m;

    public static long ToNanos(decimal usd) => (long)decimal.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    public static decimal FromNanos(long nanos) => nanos / NanosPerDollar;
}
