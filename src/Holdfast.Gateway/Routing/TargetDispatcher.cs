using System.Buffers;
using System.Runtime.CompilerServices;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Errors;
using Microsoft.Extensions.Logging;
using Polly;

namespace Holdfast.Gateway.Routing;

/// <summary>
/// Runs a route's targets for one request. A round tries the targets in the order the route's
/// strategy gives, skipping open circuits and targets with no room under their own limits; an
/// attempt that fails before anything reached the client moves on to the next target at once.
/// When a whole round failed and something in it is worth retrying, the route's retry pipeline
/// waits (exponential backoff with jitter, or the upstream's Retry-After) and runs another round,
/// never past the request's deadline. Every outcome feeds the target's health and circuit.
/// </summary>
/// <remarks>
/// It knows nothing of wire protocols: each surface (OpenAI, Anthropic) passes a send function that
/// calls one target and forwards its answer, and turns the final failure into its own error shape.
/// </remarks>
public sealed partial class TargetDispatcher(TargetRegistry registry, TimeProvider time, ILogger<TargetDispatcher> logger)
{
    public async Task<DispatchResult> DispatchAsync<TState>(
        Route route,
        TState state,
        Func<TargetAttempt, TState, Task<AttemptOutcome>> send,
        CancellationToken cancellationToken)
    {
        var plan = registry.PlanFor(route);
        var run = new Run<TState>(this, plan, state, send, cancellationToken);
        using var deadline = plan.Deadline is { } limit ? new TimeoutScope(limit, time, cancellationToken) : null;
        var token = deadline?.Token ?? cancellationToken;
        try
        {
            // The first round runs outside the retry pipeline, so a request that succeeds at once pays nothing for it.
            var first = await run.RoundAsync(token);
            if (plan.Retry is not null && first.Retryable)
                await RetryAsync(plan.Retry, run, first, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The client left, or the deadline passed while waiting (between rounds, or for a
            // target's room): the result says which, and the last failure stands.
        }
        return run.Result();
    }

    /// <summary>
    /// Runs the further rounds through the route's retry pipeline. The pipeline's first call hands
    /// back the round already run, so Polly waits (backoff or Retry-After) before the second.
    /// </summary>
    private static async Task RetryAsync<TState>(ResiliencePipeline<RoundResult> pipeline, Run<TState> run, RoundResult first, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, r) => Outcome.FromResult(r.TakeReplay() ?? await r.RoundAsync(ctx.CancellationToken)), context, run.WithReplay(first));
            if (outcome.Exception is not null and not OperationCanceledException)
                outcome.ThrowIfException();
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>One request's dispatch: its rounds, attempts and last failure.</summary>
    private sealed class Run<TState>(
        TargetDispatcher dispatcher, RoutePlan plan, TState state, Func<TargetAttempt, TState, Task<AttemptOutcome>> send, CancellationToken clientAborted)
    {
        private readonly long _start = dispatcher.Time.GetTimestamp();
        private int _attempts;
        private AttemptOutcome? _final;
        private Target? _finalTarget;
        private AttemptFailure? _lastFailure;
        private RoundResult? _replay;

        public Run<TState> WithReplay(RoundResult round)
        {
            _replay = round;
            return this;
        }

        public RoundResult? TakeReplay()
        {
            var replay = _replay;
            _replay = null;
            return replay;
        }

        public DispatchResult Result()
        {
            if (clientAborted.IsCancellationRequested && _final is not { Status: AttemptStatus.Delivered })
            {
                _lastFailure?.Dispose();
                return new DispatchResult(DispatchStatus.ClientClosed, AttemptOutcome.ClientClosed.Result, _finalTarget, _attempts, null);
            }
            if (_final is { } final)
            {
                _lastFailure?.Dispose();
                var status = final.Status == AttemptStatus.Delivered ? DispatchStatus.Delivered : DispatchStatus.ClientClosed;
                return new DispatchResult(status, final.Result, _finalTarget, _attempts, null);
            }
            return new DispatchResult(DispatchStatus.Exhausted, default, null, _attempts, _lastFailure);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<RoundResult> RoundAsync(CancellationToken cancellationToken)
        {
            var time = dispatcher.Time;
            var targets = plan.Route.Targets;
            var order = ArrayPool<int>.Shared.Rent(targets.Count);
            var retryable = false;
            TimeSpan? retryAfter = null;
            try
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                var count = plan.Order(order, now);
                if (count == 0)
                    return NoTargetAvailable(now);
                for (var o = 0; o < count; o++)
                {
                    var index = order[o];
                    var target = targets[index];
                    var health = plan.Health[index];
                    if (!health.Breaker.TryPass(time.GetUtcNow().ToUnixTimeMilliseconds()))
                        continue;
                    var outcome = await AttemptAsync(index, target, health, cancellationToken);
                    if (outcome.Status != AttemptStatus.Failed)
                    {
                        _final = outcome;
                        _finalTarget = target;
                        return RoundResult.Final;
                    }
                    var failure = outcome.Failure!;
                    if (cancellationToken.IsCancellationRequested)
                    {
                        Keep(failure);
                        return RoundResult.Final;
                    }
                    dispatcher.LogAttemptFailed(target.Provider.Name, target.Model, failure.Kind, failure.UpstreamStatus ?? 0, failure.Error.Message);
                    var forbidden = failure.Response is { } answered && RetryAfter.ForbidsRetry(answered);
                    if (plan.IsRetryable(failure) && !forbidden)
                    {
                        retryable = true;
                        if (failure.Response is { } response && RetryAfter.Read(response, time.GetUtcNow()) is { } wait)
                            retryAfter = retryAfter is { } known && known > wait ? known : wait;
                    }
                    Keep(failure);
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(order);
            }
            // A wait longer than the route allows (or than its deadline leaves) would only delay the same answer.
            if (retryAfter > plan.MaxBackoff || (plan.Deadline is { } deadline && retryAfter > deadline - dispatcher.Time.GetElapsedTime(_start)))
                retryable = false;
            return new RoundResult(retryable, retryAfter);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<AttemptOutcome> AttemptAsync(int index, Target target, TargetHealth health, CancellationToken cancellationToken)
        {
            var time = dispatcher.Time;
            var slot = new TargetSlot(true, null);
            if (plan.Limited[index])
            {
                slot = await health.Limiter.TryAcquireAsync(target.Config, cancellationToken);
                if (!slot.Acquired)
                {
                    health.Breaker.OnAbandoned();
                    return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Busy, GatewayError.TargetBusy(target.Provider.Name)));
                }
            }
            _attempts++;
            var attemptStart = time.GetTimestamp();
            using var total = plan.AttemptTotal is { } limit ? new TimeoutScope(limit, time, cancellationToken) : null;
            AttemptOutcome outcome;
            try
            {
                outcome = await send(new TargetAttempt(target, _attempts, plan.Timeouts[index], total?.Token ?? cancellationToken), state);
            }
            finally
            {
                slot.Release();
            }
            switch (outcome.Status)
            {
                case AttemptStatus.Delivered when outcome.Result.Outcome == UsageOutcome.StreamInterrupted ||
                                                  (outcome.Result.Outcome == UsageOutcome.UpstreamError && outcome.Result.Status < 400):
                    // A stream that broke or reported an error after it reached the client: no going back, but the
                    // target did fail. (An error status passed on as is, such as a 400, is the request's fault.)
                    health.RecordFailure(time.GetUtcNow().ToUnixTimeMilliseconds(), outcome.Result.Error ?? "failed mid-answer", target.Provider.CircuitBreaker);
                    break;
                case AttemptStatus.Delivered:
                    health.RecordSuccess(Latency(outcome, attemptStart));
                    break;
                case AttemptStatus.ClientClosed:
                    health.Breaker.OnAbandoned();
                    break;
                default:
                    if (outcome.Failure!.Kind == FailureKind.Busy || clientAborted.IsCancellationRequested)
                        health.Breaker.OnAbandoned();
                    else
                        health.RecordFailure(time.GetUtcNow().ToUnixTimeMilliseconds(), outcome.Failure.Error.Message, target.Provider.CircuitBreaker);
                    break;
            }
            return outcome;
        }

        /// <summary>Time to first token of this attempt; the forwarders measure it from the request's start.</summary>
        private TimeSpan Latency(AttemptOutcome outcome, long attemptStart)
        {
            var sinceAttempt = dispatcher.Time.GetElapsedTime(attemptStart);
            if (outcome.Result.TimeToFirstToken is not { } firstToken)
                return sinceAttempt;
            var beforeAttempt = dispatcher.Time.GetElapsedTime(_start, attemptStart);
            var latency = firstToken - beforeAttempt;
            return latency > TimeSpan.Zero && latency < sinceAttempt ? latency : sinceAttempt;
        }

        private RoundResult NoTargetAvailable(long now)
        {
            var soonest = long.MaxValue;
            foreach (var health in plan.Health)
                soonest = Math.Min(soonest, health.Breaker.OpenUntil);
            var wait = TimeSpan.FromMilliseconds(Math.Max(0, soonest - now));
            var seconds = (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));
            if (_lastFailure is null)
                Keep(new AttemptFailure(FailureKind.Busy, GatewayError.NoTarget(plan.Route.Name) with { RetryAfterSeconds = seconds }));
            // Every circuit is open: failing fast, with the time until the first trial as Retry-After, is the point of them.
            return RoundResult.Final;
        }

        private void Keep(AttemptFailure failure)
        {
            if (ReferenceEquals(failure, _lastFailure))
                return;
            // An upstream's own answer tells the client more than a failure without one: keep it over those.
            if (_lastFailure?.Response is not null && failure.Response is null)
            {
                failure.Dispose();
                return;
            }
            _lastFailure?.Dispose();
            _lastFailure = failure;
        }
    }

    private TimeProvider Time => time;

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information,
        Message = "Provider {Provider} model {Model} failed ({Kind}, HTTP {Status}): {Reason}")]
    private partial void LogAttemptFailed(string provider, string model, FailureKind kind, int status, string reason);
}
