using Holdfast.Core.Pricing;

namespace Holdfast.Storage.Sql;

/// <summary>Money is stored as whole nano-dollars (10⁻⁹ USD) so sums stay exact in every backend.</summary>
internal static class Money
{
    public static long ToNanos(decimal usd) => Usd.ToNanos(usd);

    public static decimal FromNanos(long nanos) => Usd.FromNanos(nanos);
}
