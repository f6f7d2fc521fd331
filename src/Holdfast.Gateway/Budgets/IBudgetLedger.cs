using Holdfast.Core.Budgets;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// Hard budgets, enforced before the money is spent: a call (or a job, or a workflow step) reserves
/// its worst-case cost against every budget it falls under, and settles to the real cost when it is
/// done. The gateway does this for every model call; workflows and jobs call it for their own costs.
/// </summary>
/// <remarks>
/// This is the seam for cluster-wide budgets: the default <see cref="BudgetLedger"/> keeps each
/// budget's account in this process's memory (exact for one node); a PostgreSQL ledger can keep the
/// same accounts in a row per budget window and reserve with one conditional UPDATE
/// (<c>SET reserved = reserved + @x WHERE spent + reserved + @x &lt;= limit</c>).
/// </remarks>
public interface IBudgetLedger
{
    /// <summary>Whether any budget applies to <paramref name="charge"/> (so its worst case must be known).</summary>
    bool Applies(BudgetCharge charge);

    /// <summary>Reserves <paramref name="worstCaseUsd"/> against every budget of the charge, or none at all.</summary>
    /// <exception cref="BudgetUnavailableException">A budget's spend could not be read from the store.</exception>
    ValueTask<BudgetAdmission> ReserveAsync(BudgetCharge charge, decimal worstCaseUsd, CancellationToken cancellationToken);

    /// <summary>Replaces the reservation by the real cost; null (unknown) or 0 just releases it. Idempotent.</summary>
    void Settle(BudgetReservation reservation, decimal? actualUsd);

    /// <summary>Puts a cap on one workflow run (its spend so far is read from the usage log).</summary>
    Task TrackRunAsync(string runId, BudgetLimit limit, CancellationToken cancellationToken);

    /// <summary>Drops a finished run's cap.</summary>
    void ForgetRun(string runId);

    /// <summary>Every defined budget with its spend, reservations and reset time.</summary>
    Task<IReadOnlyList<BudgetStatus>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>Either a reservation (admitted) or the denial of the budget that did not fit.</summary>
public readonly record struct BudgetAdmission(BudgetReservation? Reservation, BudgetDenial? Denial)
{
    public bool Admitted => Reservation is not null;
}

/// <summary>A budget as it stands.</summary>
public sealed record BudgetStatus(
    string Scope, string? Name, BudgetLimit Limit, decimal SpentUsd, decimal ReservedUsd, decimal RemainingUsd,
    DateTimeOffset PeriodStart, DateTimeOffset? ResetsAt);

public sealed class BudgetUnavailableException(string message, Exception inner) : Exception(message, inner);
