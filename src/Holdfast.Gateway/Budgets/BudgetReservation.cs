using Holdfast.Core.Budgets;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// An amount held against each budget a call falls under until the call settles. Settle or release
/// it exactly once; <see cref="None"/> stands for a call under no budget.
/// </summary>
public sealed class BudgetReservation
{
    public static readonly BudgetReservation None = new([], [], 0);

    private int _settled;

    internal BudgetReservation(BudgetAccount[] accounts, DateTimeOffset[] periodStarts, long nanos)
    {
        Accounts = accounts;
        PeriodStarts = periodStarts;
        Nanos = nanos;
    }

    internal BudgetAccount[] Accounts { get; }

    internal DateTimeOffset[] PeriodStarts { get; }

    /// <summary>The worst-case cost held, in nano-dollars.</summary>
    public long Nanos { get; }

    public bool IsEmpty => Accounts.Length == 0;

    /// <summary>True for the first caller only, so a reservation is never settled twice.</summary>
    internal bool TryFinish() => Interlocked.Exchange(ref _settled, 1) == 0;
}

/// <summary>A request that does not fit: the budget that refused it and what it holds now.</summary>
public sealed record BudgetDenial(BudgetScope Scope, string? Name, BudgetLimit Limit, long SpentNanos, long ReservedNanos, long RequestedNanos, DateTimeOffset? ResetsAt);
