using System.Globalization;
using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Budgets;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Forwarding;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Internal;
using Holdfast.Gateway.Limits;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Holdfast.Gateway.Proxy;

/// <summary>
/// The gateway's request path for same-protocol calls: authenticate, read what routing needs from
/// the body, pick targets in order, forward bytes, and meter the answer. A target that refuses,
/// times out or answers 429/5xx is skipped for the next one as long as nothing was sent to the client.
/// </summary>
public sealed partial class ProxyHandler(
    ConfigHolder config,
    ApiKeyAuthenticator authenticator,
    KeyRateLimiter rateLimiter,
    ProviderAdapters adapters,
    UsageSink usage,
    BudgetGate budgets,
    TimeProvider time,
    ILogger<ProxyHandler> logger)
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
            var retryAfter = (int)Math.Ceiling(decision.Reset.TotalSeconds);
            await RejectAsync(context, call, start, GatewayError.RateLimited(
                $"Rate limit reached for this key: {decision.Limit} requests per minute. Try again in {retryAfter}s.", retryAfter));
            return;
        }

        var (body, bodyError) = await RequestBodyReader.ReadAsync(context.Request, snapshot.Config.Server.MaxBodyBytes, context.RequestAborted);
        if (bodyError is not null)
        {
            await RejectAsync(context, call, start, bodyError);
            return;
        }
        using (body)
        {
            var facts = new ChatRequestFacts();
            error = ChatRequestInspector.Inspect(body!.Span, facts);
            if (error is null && facts.Stream && !endpoint.SupportsStreaming)
                error = GatewayError.InvalidRequest($"'stream' is not supported on {endpoint.Name}.", "stream");
            call.Route = facts.Model;
            call.Stream = facts.Stream;
            if (error is null && !snapshot.Routes.TryGet(facts.Model, out _))
                error = GatewayError.UnknownModel(facts.Model);
            if (error is null && !key!.AllowsRoute(facts.Model))
                error = GatewayError.RouteNotAllowed(facts.Model);
            if (error is not null)
            {
                await RejectAsync(context, call, start, error);
                return;
            }
            snapshot.Routes.TryGet(facts.Model, out var route);
            (call.Budget, error) = await budgets.ReserveAsync(context, snapshot, key!, route, body.Length, facts.MaxTokens,
                producesOutput: endpoint != ProxyEndpoint.Embeddings, () => call.Target);
            if (error is not null)
            {
                await RejectAsync(context, call, start, error);
                return;
            }
            try
            {
                await ForwardAsync(context, endpoint, route, body, facts, call, start);
            }
            finally
            {
                // Settled where the usage record is made; this only frees a reservation a failure left behind.
                budgets.Settle(call.Budget, null);
            }
        }
    }

    private async Task ForwardAsync(HttpContext context, ProxyEndpoint endpoint, Route route, PooledBuffer body, ChatRequestFacts facts, CallRecord call, long start)
    {
        var aborted = context.RequestAborted;
        GatewayError? lastError = null;
        for (var i = 0; i < route.Targets.Count; i++)
        {
            var target = route.Targets[i];
            var isLast = i == route.Targets.Count - 1;
            call.Attempts = i + 1;
            call.Target = target;

            var adapter = adapters.For(target.Provider);
            using var upstreamBody = UpstreamRequestWriter.Write(body.Span, facts, target.Model, requestStreamUsage: true);
            var result = await adapter.SendAsync(new ProviderRequest(target.Provider, endpoint.UpstreamPath, upstreamBody), aborted);
            if (!result.Succeeded)
            {
                if (result.Failure == UpstreamFailure.ClientClosed)
                {
                    await RecordAsync(call, start, new ForwardResult(499, UsageOutcome.ClientClosed, default, null, "client closed the connection"));
                    return;
                }
                lastError = result.Failure switch
                {
                    UpstreamFailure.Timeout => GatewayError.Timeout(target.Provider.Name),
                    UpstreamFailure.Refused => GatewayError.Unreachable(target.Provider.Name),
                    _ => GatewayError.BadUpstreamResponse(target.Provider.Name, "the connection broke before an answer arrived"),
                };
                LogAttemptFailed(logger, context.TraceIdentifier, target.Provider.Name, target.Model, lastError.Code!);
                continue;
            }

            using var response = result.Response!;
            var status = (int)response.StatusCode;
            if (!isLast && UpstreamStatus.WorthFallingBack(status))
            {
                LogAttemptStatus(logger, context.TraceIdentifier, target.Provider.Name, target.Model, status);
                continue;
            }

            context.Response.Headers[ResponseHeaders.Provider] = target.Provider.Name;
            context.Response.Headers[ResponseHeaders.Attempts] = call.Attempts.ToString(CultureInfo.InvariantCulture);
            var isEventStream = facts.Stream && status < 400 &&
                response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var forwarded = isEventStream
                ? await new SseForwarder(context, response, target.Provider.Name, dropUsageChunk: !facts.ClientWantsStreamUsage, start, time)
                    .ForwardAsync(body.Length, aborted)
                : await JsonResponseForwarder.ForwardAsync(context, response, target.Provider.Name, start, time, aborted);
            await RecordAsync(call, start, forwarded);
            return;
        }

        await OpenAiErrorWriter.WriteAsync(context, lastError!);
        await RecordAsync(call, start, new ForwardResult(lastError!.Status, UsageOutcome.UpstreamError, default, null, lastError.Message));
    }

    private async Task RejectAsync(HttpContext context, CallRecord call, long start, GatewayError error)
    {
        await OpenAiErrorWriter.WriteAsync(context, error);
        await RecordAsync(call, start, new ForwardResult(error.Status, UsageOutcome.Rejected, default, null, error.Message));
    }

    private ValueTask RecordAsync(CallRecord call, long start, ForwardResult result)
    {
        var model = call.Target?.Model;
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

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Request {RequestId}: provider {Provider} model {Model} failed ({Reason})")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string provider, string model, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Request {RequestId}: provider {Provider} model {Model} answered HTTP {Status}; trying the next target")]
    private static partial void LogAttemptStatus(ILogger logger, string requestId, string provider, string model, int status);

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
