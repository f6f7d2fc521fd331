using System.Globalization;
using System.Runtime.CompilerServices;
using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Budgets;
using Holdfast.Gateway.Caching;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Forwarding;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Internal;
using Holdfast.Gateway.Limits;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Providers;
using Holdfast.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Proxy;

/// <summary>
/// The gateway's request path for same-protocol calls: authenticate, apply the key's limits, read
/// what routing needs from the body, answer from a cache when the route has one, otherwise hand the
/// route to the <see cref="TargetDispatcher"/> with a send function that calls one target and
/// forwards its answer, and meter the outcome.
/// </summary>
public sealed class ProxyHandler(
    ConfigHolder config,
    ApiKeyAuthenticator authenticator,
    KeyRateLimiter rateLimiter,
    ProviderAdapters adapters,
    TargetDispatcher dispatcher,
    ResponseCaches caches,
    UsageSink usage,
    BudgetGate budgets,
    TimeProvider time)
{
    public async Task HandleAsync(HttpContext context, ProxyEndpoint endpoint)
    {
        var start = time.GetTimestamp();
        var snapshot = config.Current;
        var error = authenticator.Authenticate(context.Request, out var key);
        if (error is not null)
        {
            await OpenAiErrorWriter.WriteAsync(context, error);
            return;
        }

        var call = new CallRecord(endpoint, key!, context.TraceIdentifier, time.GetUtcNow()) { Caller = context.Features.Get<InternalCaller>() };
        var decision = rateLimiter.TryAcquire(key!);
        RateLimitHeaders.Write(context.Response, decision);
        if (!decision.Allowed)
        {
            await RejectAsync(context, call, start, RateLimitError(key!, decision));
            return;
        }
        try
        {
            await ForwardAdmittedAsync(context, endpoint, snapshot, call, start);
        }
        finally
        {
            rateLimiter.Release(key!, decision);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ForwardAdmittedAsync(HttpContext context, ProxyEndpoint endpoint, ConfigSnapshot snapshot, CallRecord call, long start)
    {
        var (body, bodyError) = await RequestBodyReader.ReadAsync(context.Request, snapshot.Config.Server.MaxBodyBytes, context.RequestAborted);
        if (bodyError is not null)
        {
            await RejectAsync(context, call, start, bodyError);
            return;
        }
        using (body)
        {
            var facts = new ChatRequestFacts();
            var error = ChatRequestInspector.Inspect(body!.Span, facts);
            if (error is null && facts.Stream && !endpoint.SupportsStreaming)
                error = GatewayError.InvalidRequest($"'stream' is not supported on {endpoint.Name}.", "stream");
            call.Route = facts.Model;
            call.Stream = facts.Stream;
            if (error is null && !snapshot.Routes.TryGet(facts.Model, out _))
                error = GatewayError.UnknownModel(facts.Model);
            if (error is null && !call.Key.AllowsRoute(facts.Model))
                error = GatewayError.RouteNotAllowed(facts.Model);
            if (error is not null)
            {
                await RejectAsync(context, call, start, error);
                return;
            }
            snapshot.Routes.TryGet(facts.Model, out var route);
            (call.Budget, error) = await budgets.ReserveAsync(context, snapshot, call.Key, route, body.Length, facts.MaxTokens,
                producesOutput: endpoint != ProxyEndpoint.Embeddings, () => call.Target);
            if (error is not null)
            {
                await RejectAsync(context, call, start, error);
                return;
            }
            try
            {
                await AnswerAsync(context, endpoint, route, body, facts, call, start);
            }
            finally
            {
                // Settled where the usage record is made; this only frees a reservation a failure left behind.
                budgets.Settle(call.Budget, null);
            }
        }
    }

    /// <summary>From the cache when the route has one and it holds the answer, else from the route's targets.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AnswerAsync(HttpContext context, ProxyEndpoint endpoint, Route route, PooledBuffer body, ChatRequestFacts facts, CallRecord call, long start)
    {
        CacheRequest? cacheRequest = null;
        if (caches.AnyAppliesTo(route))
        {
            cacheRequest = new CacheRequest(route, endpoint, body.Memory, facts);
            var (hit, source) = await caches.LookupAsync(cacheRequest, context.RequestAborted);
            if (hit is not null)
            {
                await CachedAnswerWriter.WriteAsync(context, hit, source!);
                await RecordCacheHitAsync(call, start, hit);
                return;
            }
            context.Response.Headers[CachedAnswerWriter.Header] = "miss";
        }
        await ForwardAsync(context, endpoint, route, body, facts, call, start, cacheRequest);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ForwardAsync(
        HttpContext context, ProxyEndpoint endpoint, Route route, PooledBuffer body, ChatRequestFacts facts, CallRecord call, long start,
        CacheRequest? cacheRequest)
    {
        var exchange = new Exchange(this, context, endpoint, route, body, facts, call, start, cacheRequest);
        var dispatch = await dispatcher.DispatchAsync(route, exchange, static (attempt, x) => x.Handler.SendAsync(attempt, x), context.RequestAborted);
        call.Attempts = dispatch.Attempts;
        if (dispatch.Status != DispatchStatus.Exhausted)
        {
            await RecordAsync(call, start, dispatch.Result);
            return;
        }

        using var failure = dispatch.LastFailure;
        if (failure?.Response is { } response)
        {
            // The last target's own error answer reaches the client as it was sent (a 429 keeps its Retry-After).
            WriteAttemptHeaders(context, call);
            var forwarded = await JsonResponseForwarder.ForwardFailureAsync(context, response, call.Target!.Provider.Name, context.RequestAborted);
            await RecordAsync(call, start, forwarded);
            return;
        }
        var error = failure?.Error ?? GatewayError.NoTarget(route.Name);
        await OpenAiErrorWriter.WriteAsync(context, error);
        await RecordAsync(call, start, new ForwardResult(error.Status, UsageOutcome.UpstreamError, default, null, error.Message));
    }

    /// <summary>One attempt on the OpenAI surface: send to the target, and forward its answer unless another target should try.</summary>
    private async Task<AttemptOutcome> SendAsync(TargetAttempt attempt, Exchange x)
    {
        var target = attempt.Target;
        var call = x.Call;
        call.Attempts = attempt.Number;
        call.Target = target;

        var adapter = adapters.For(target.Provider);
        using var upstreamBody = UpstreamRequestWriter.Write(x.Body.Span, x.Facts, target.Model, requestStreamUsage: true);
        var request = new ProviderRequest(target.Provider, x.Endpoint.UpstreamPath, upstreamBody)
        {
            Model = target.Model,
            ConnectTimeout = attempt.Timeouts.Connect,
            FirstByteTimeout = attempt.Timeouts.FirstByte,
        };
        var result = await adapter.SendAsync(request, attempt.Cancellation);
        if (!result.Succeeded)
        {
            if (x.Context.RequestAborted.IsCancellationRequested)
                return AttemptOutcome.ClientClosed;
            // Cancelled while the client is still there: the attempt's or the request's time ran out.
            return AttemptOutcome.Failed(result.Failure switch
            {
                UpstreamFailure.Timeout or UpstreamFailure.ClientClosed => new AttemptFailure(FailureKind.Timeout, GatewayError.Timeout(target.Provider.Name)),
                UpstreamFailure.Refused => new AttemptFailure(FailureKind.Refused, GatewayError.Unreachable(target.Provider.Name)),
                _ => new AttemptFailure(FailureKind.Malformed, GatewayError.BadUpstreamResponse(target.Provider.Name, "the connection broke before an answer arrived")),
            });
        }

        var response = result.Response!;
        var status = (int)response.StatusCode;
        if (UpstreamStatus.WorthFallingBack(status))
            return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Status, GatewayError.UpstreamStatus(target.Provider.Name, status), response));

        using (response)
        {
            WriteAttemptHeaders(x.Context, call);
            using var capture = x.CacheRequest is not null && status == 200 ? new ResponseCapture(x.Route.Config.Cache!.MaxEntryBytes) : null;
            var isEventStream = x.Facts.Stream && status < 400 &&
                response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            AttemptOutcome outcome;
            if (isEventStream)
            {
                using var forwarder = new SseForwarder(x.Context, response, target.Provider.Name, dropUsageChunk: !x.Facts.ClientWantsStreamUsage,
                    x.Start, time, x.Route.Config.StreamHold, capture);
                outcome = await forwarder.ForwardAsync(x.Body.Length, attempt.Cancellation);
            }
            else
            {
                outcome = await JsonResponseForwarder.ForwardAsync(x.Context, response, target.Provider.Name, x.Start, time, capture, attempt.Cancellation);
            }
            if (capture is { Complete: true } && outcome is { Status: AttemptStatus.Delivered, Result.Outcome: UsageOutcome.Success })
            {
                var contentType = isEventStream ? "text/event-stream" : response.Content.Headers.ContentType?.ToString() ?? "application/json";
                caches.Offer(x.CacheRequest!, new CacheableAnswer(contentType, capture.Bytes.ToArray(), target.Provider.Name, target.Model, outcome.Result.Tokens));
            }
            return outcome;
        }
    }

    private static void WriteAttemptHeaders(HttpContext context, CallRecord call)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.Headers[ResponseHeaders.Provider] = call.Target!.Provider.Name;
        context.Response.Headers[ResponseHeaders.Attempts] = call.Attempts.ToString(CultureInfo.InvariantCulture);
    }

    private static GatewayError RateLimitError(VirtualKey key, RateDecision decision) => decision.Rejected switch
    {
        RateLimitKind.Tokens => GatewayError.RateLimited(
            $"Rate limit reached for this key: {decision.TokenLimit} tokens per minute. Try again in {decision.RetryAfterSeconds}s.",
            decision.RetryAfterSeconds, "tokens"),
        RateLimitKind.Concurrency => GatewayError.RateLimited(
            $"Rate limit reached for this key: {key.Concurrency} requests at once. Try again when one has finished.", decision.RetryAfterSeconds),
        _ => GatewayError.RateLimited(
            $"Rate limit reached for this key: {decision.Limit} requests per minute. Try again in {decision.RetryAfterSeconds}s.", decision.RetryAfterSeconds),
    };

    private async Task RejectAsync(HttpContext context, CallRecord call, long start, GatewayError error)
    {
        await OpenAiErrorWriter.WriteAsync(context, error);
        await RecordAsync(call, start, new ForwardResult(error.Status, UsageOutcome.Rejected, default, null, error.Message));
    }

    private ValueTask RecordCacheHitAsync(CallRecord call, long start, CacheHit hit)
    {
        budgets.Settle(call.Budget, 0m);
        var record = new UsageRecord
        {
            RequestId = call.RequestId,
            Timestamp = call.StartedAt,
            KeyId = call.Key.Id,
            Endpoint = call.Endpoint.Name,
            Route = call.Route,
            Provider = hit.Provider,
            Model = hit.Model,
            Status = 200,
            Outcome = UsageOutcome.Success,
            Stream = call.Stream,
            Latency = time.GetElapsedTime(start),
            Tokens = hit.Tokens,
            CostUsd = 0m,
            Attempts = 0,
            Workflow = call.Caller?.Workflow,
            RunId = call.Caller?.RunId,
        };
        return usage.RecordAsync(record, CancellationToken.None);
    }

    private ValueTask RecordAsync(CallRecord call, long start, ForwardResult result)
    {
        var model = call.Target?.Model;
        rateLimiter.AddTokens(call.Key, result.Tokens.Total);
        var cost = CostOf(call.Target, result);
        budgets.Settle(call.Budget, cost);
        var caller = call.Caller;
        var record = new UsageRecord
        {
            RequestId = call.RequestId,
            Timestamp = call.StartedAt,
            KeyId = call.Key.Id,
            Endpoint = call.Endpoint.Name,
            Route = call.Route,
            Provider = call.Target?.Provider.Name,
            Model = model,
            Status = result.Status,
            Outcome = result.Outcome,
            Stream = call.Stream,
            Latency = time.GetElapsedTime(start),
            TimeToFirstToken = result.TimeToFirstToken,
            Tokens = result.Tokens,
            CostUsd = cost,
            Workflow = caller?.Workflow,
            RunId = caller?.RunId,
            Attempts = call.Attempts,
            Error = result.Error,
        };
        return usage.RecordAsync(record, CancellationToken.None);
    }

    /// <summary>What the call cost: nothing when it used nothing; unknown (null) when what it used has no price.</summary>
    private decimal? CostOf(Target? target, ForwardResult result)
    {
        if (result.Tokens.Total == 0 && result.Outcome != UsageOutcome.Success)
            return 0;
        return target is null ? null : config.Current.Prices.Cost(target.Provider, target.Model, result.Tokens);
    }

    /// <summary>Everything one request's attempts share.</summary>
    private sealed record Exchange(
        ProxyHandler Handler, HttpContext Context, ProxyEndpoint Endpoint, Route Route, PooledBuffer Body, ChatRequestFacts Facts, CallRecord Call,
        long Start, CacheRequest? CacheRequest);

    /// <summary>What is known about a call as it goes, for its usage record.</summary>
    private sealed class CallRecord(ProxyEndpoint endpoint, VirtualKey key, string requestId, DateTimeOffset startedAt)
    {
        public ProxyEndpoint Endpoint { get; } = endpoint;
        public VirtualKey Key { get; } = key;
        public string RequestId { get; } = requestId;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public string? Route { get; set; }
        public bool Stream { get; set; }
        public Target? Target { get; set; }
        public int Attempts { get; set; }
        public InternalCaller? Caller { get; init; }
        public BudgetReservation? Budget { get; set; }
    }
}
