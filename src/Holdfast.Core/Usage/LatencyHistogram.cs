namespace Holdfast.Core.Usage;

/// <summary>
/// Latency buckets in 1-2-5 steps, as kept in the usage aggregates: bucket i counts calls up to
/// <see cref="BoundsMs"/>[i] milliseconds, the last bucket everything slower. Sums of histograms are
/// exact; percentiles read from them are interpolated within a bucket.
/// </summary>
public static class LatencyHistogram
{
    public static readonly IReadOnlyList<long> BoundsMs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000];

    public static int BucketCount => BoundsMs.Count + 1;

    public static int BucketOf(TimeSpan latency)
    {
        var micros = latency.Ticks / 10;
        for (var i = 0; i < BoundsMs.Count; i++)
        {
            if (micros <= BoundsMs[i] * 1000)
                return i;
        }
        return BoundsMs.Count;
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the calls fall, or null without calls.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
            return null;
        var rank = quantile * total;
        long seen = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || seen + counts[i] < rank)
            {
                seen += counts[i];
                continue;
            }
            var lower = i == 0 ? 0 : BoundsMs[i - 1];
            if (i == BoundsMs.Count)
                return TimeSpan.FromMilliseconds(lower);
            var fraction = (rank - seen) / counts[i];
            return TimeSpan.FromMilliseconds(lower + (BoundsMs[i] - lower) * Math.Clamp(fraction, 0, 1));
        }
        return TimeSpan.FromMilliseconds(BoundsMs[^1]);
    }
}
