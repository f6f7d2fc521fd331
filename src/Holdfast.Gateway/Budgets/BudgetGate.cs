using System.Globalization;
using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Core.Pricing;
using Holdfast.Core.Routing;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Internal;
using Holdfast.Gateway.Metering;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Budgets;

/// <summary>
/// Budgets on the gateway's request path: before a call is sent, reserve its worst-case cost
/// against every budget it falls under (or refuse it with 429 <c>budget_exceeded</c>); when its
/// usage record is made, settle the reservation to the real cost.
/// </summary>
public sealed partial class BudgetGate(IBudgetLedger ledger, TimeProvider time, ILogger<BudgetGate> logger)
{
    /// <summary>Reserves for a call about to be dispatched on <paramref name="route"/>, and lets the forwarders price its answer.</summary>
    /// <param name="target">Gives the target answering, once one is.</param>
    /// <returns>The reservation, or the error to answer with.</returns>
    public async ValueTask<(BudgetReservation? Reservation, GatewayError? Error)> ReserveAsync(
        HttpContext context, ConfigSnapshot snapshot, VirtualKey key, Route route, long bodyBytes, long? maxTokens, bool producesOutput,
        Func<Target?> target)
    {
        context.Features.Set(new CallCostFeature(snapshot.Prices, target, key.StreamCost));
        var caller = context.Features.Get<InternalCaller>();
        var charge = new BudgetCharge(key, route.Name, caller?.Workflow, caller?.RunId);
        if (!ledger.Applies(charge))
            return (BudgetReservation.None, null);

        if (WorstCaseCost.Of(snapshot, route, bodyBytes, maxTokens, producesOutput) is not { } worstCase)
            return (null, Unpriced(route, snapshot));
        BudgetAdmission admission;
        try
        {
            admission = await ledger.ReserveAsync(charge, worstCase, context.RequestAborted);
        }
        catch (BudgetUnavailableException e)
        {
            LogUnavailable(logger, e);
            return (null, new GatewayError(503, "server_error", "budget_unavailable",
                "A budget this request falls under could not be checked; retry shortly.") { RetryAfterSeconds = 1 });
        }
        if (admission.Denial is { } denial)
        {
            LogDenied(logger, context.TraceIdentifier, denial.Scope, denial.RequestedNanos);
            return (null, Exceeded(denial));
        }
        return (admission.Reservation, null);
    }

    public void Settle(BudgetReservation? reservation, decimal? costUsd)
    {
        if (reservation is not null)
            ledger.Settle(reservation, costUsd);
    }

    private GatewayError Exceeded(BudgetDenial denial)
    {
        var name = denial.Name is null ? "" : $" ({denial.Name})";
        var spent = Usd.FromNanos(denial.SpentNanos);
        var reserved = Usd.FromNanos(denial.ReservedNanos);
        var resets = denial.ResetsAt is { } at
            ? $"It resets at {at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}."
            : "It is a total budget and does not reset; an administrator can raise it.";
        var message =
            $"Budget {denial.Scope}{name} of ${denial.Limit.AmountUsd.ToString(CultureInfo.InvariantCulture)}/{denial.Limit.Window.ToString().ToLowerInvariant()} " +
            $"cannot fit this request: ${Money(spent)} spent, ${Money(reserved)} held by requests in flight, and this request may cost up to " +
            $"${Money(Usd.FromNanos(denial.RequestedNanos))}. {resets}";
        return new GatewayError(429, "insufficient_quota", "budget_exceeded", message)
        {
            ShouldRetry = false,
            RetryAfterSeconds = denial.ResetsAt is { } reset ? (int)Math.Clamp(Math.Ceiling((reset - time.GetUtcNow()).TotalSeconds), 1, int.MaxValue) : null,
        };
    }

    private static GatewayError Unpriced(Route route, ConfigSnapshot snapshot)
    {
        var target = route.Targets.First(t => snapshot.Prices.Find(t.Provider, t.Model) is null);
        return new GatewayError(403, "permission_error", "price_unknown",
            $"Model '{target.Model}' on provider '{target.Provider.Name}' has no price, so the budgets this request falls under could not count it. " +
            "Give it a price under prices: in the configuration (0 for a free model).", "model");
    }

    private static string Money(decimal usd) => usd.ToString("0.00####", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 1410, Level = LogLevel.Information, Message = "Request {RequestId} refused by budget {Budget}: its worst case of {WorstCaseNanoUsd} nano-USD does not fit")]
    private static partial void LogDenied(ILogger logger, string requestId, Core.Budgets.BudgetScope budget, long worstCaseNanoUsd);

    [LoggerMessage(EventId = 1411, Level = LogLevel.Error, Message = "Budget check failed")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
