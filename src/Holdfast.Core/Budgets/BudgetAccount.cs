namespace Holdfast.Core.Budgets;

/// <summary>
/// The running state of one budget in its current window: what was spent (settled calls) and what
/// is reserved (calls in flight, at their worst-case cost). All amounts are whole nano-dollars.
/// Callers hold <see cref="Gate"/> while they read or change it; the ledger locks several accounts
/// in <see cref="Order"/> so a call's reservation across its budgets is all or nothing.
/// </summary>
public sealed class BudgetAccount
{
    private static long _nextOrder;

    public BudgetAccount(BudgetScope scope, BudgetLimit limit, BudgetPeriod period, long spentNanos, IReadOnlySet<int> firedThresholds)
    {
        Scope = scope;
        Limit = limit;
        Period = period;
        SpentNanos = spentNanos;
        FiredThresholds = new HashSet<int>(firedThresholds);
        Order = Interlocked.Increment(ref _nextOrder);
    }

    public BudgetScope Scope { get; }

    public object Gate { get; } = new();

    /// <summary>A stable number for lock ordering.</summary>
    public long Order { get; }

    public BudgetLimit Limit { get; set; }

    public BudgetPeriod Period { get; private set; }

    public long SpentNanos { get; private set; }

    public long ReservedNanos { get; private set; }

    /// <summary>Soft thresholds (percent) already announced in this window.</summary>
    public HashSet<int> FiredThresholds { get; }

    /// <summary>
    /// The one rule for every budget: a call is admitted when what is spent, plus what is reserved,
    /// plus its own worst case stays within the limit (≤). Reaching the limit exactly is allowed.
    /// </summary>
    public static bool Fits(long spentNanos, long reservedNanos, long amountNanos, long limitNanos) =>
        spentNanos + reservedNanos + amountNanos <= limitNanos;

    public long RemainingNanos => Math.Max(0, Limit.AmountNanos - SpentNanos - ReservedNanos);

    /// <summary>Starts a new window when <paramref name="now"/> is past the current one's end.</summary>
    /// <returns>True when the window changed.</returns>
    public bool RollTo(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Period.End is not { } end || now < end)
            return false;
        Period = BudgetPeriod.At(Limit.Window, now, zone);
        SpentNanos = 0;
        ReservedNanos = 0;
        FiredThresholds.Clear();
        return true;
    }

    public bool CanReserve(long amountNanos) => Fits(SpentNanos, ReservedNanos, amountNanos, Limit.AmountNanos);

    public void Reserve(long amountNanos) => ReservedNanos += amountNanos;

    /// <summary>Replaces a reservation taken in window <paramref name="periodStart"/> by the real cost.</summary>
    /// <remarks>A reservation from a window that has since ended only goes away: its call counts in its own window.</remarks>
    public void Settle(DateTimeOffset periodStart, long reservedNanos, long actualNanos)
    {
        if (periodStart != Period.Start)
            return;
        ReservedNanos = Math.Max(0, ReservedNanos - reservedNanos);
        SpentNanos += actualNanos;
    }

    /// <summary>Thresholds (percent) that spending has now reached and that were not announced yet in this window; marks them announced.</summary>
    public IReadOnlyList<int> TakeCrossedThresholds(IReadOnlyList<int> thresholds)
    {
        var limit = Limit.AmountNanos;
        if (limit <= 0 || SpentNanos <= 0)
            return [];
        List<int>? crossed = null;
        foreach (var percent in thresholds)
        {
            if ((decimal)SpentNanos * 100 >= (decimal)limit * percent && FiredThresholds.Add(percent))
                (crossed ??= []).Add(percent);
        }
        return crossed ?? (IReadOnlyList<int>)[];
    }
}
