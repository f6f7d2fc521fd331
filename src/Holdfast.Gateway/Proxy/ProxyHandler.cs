using System.Globalization;
using Holdfast.Core.Configuration;
using Holdfast.Core.Keys;
using Holdfast.Core.Routing;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Auth;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Forwarding;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Limits;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Providers;
using Holdfast.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Proxy;

/// <summary>
/// The gateway's request path for same-protocol calls: authenticate, read what routing needs from
/// the body, hand the route to the <see cref="TargetDispatcher"/> with a send function that calls one
/// target and forwards its answer, and meter the outcome. A target that refuses, times out or answers
/// 429/5xx is skipped for the next one as long as nothing was sent to the client.
/// </summary>
public sealed class ProxyHandler(
    ConfigHolder config,
    ApiKeyAuthenticator authenticator,
    KeyRateLimiter rateLimiter,
    ProviderAdapters adapters,
    TargetDispatcher dispatcher,
    UsageSink usage,
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

        var call = new CallRecord(endpoint, key!, context.TraceIdentifier, time.GetUtcNow());
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
            await ForwardAsync(context, endpoint, route, body, facts, call, start);
        }
    }

    private async Task ForwardAsync(HttpContext context, ProxyEndpoint endpoint, Route route, PooledBuffer body, ChatRequestFacts facts, CallRecord call, long start)
    {
        var exchange = new Exchange(this, context, endpoint, body, facts, call, start);
        var dispatch = await dispatcher.DispatchAsync(route, exchange, static (attempt, x) => x.Handler.SendAsync(attempt, x), context.RequestAborted);
        call.Attempts = dispatch.Attempts;
        switch (dispatch.Status)
        {
            case DispatchStatus.Delivered:
            case DispatchStatus.ClientClosed:
                await RecordAsync(call, start, dispatch.Result);
                return;
        }

        using var failure = dispatch.LastFailure;
        if (failure?.Response is { } response)
        {
            // The last target's own error answer reaches the client as it was sent (a 429 keeps its Retry-After).
            WriteAttemptHeaders(context, call);
            var forwarded = await JsonResponseForwarder.ForwardAsync(context, response, call.Target!.Provider.Name, start, time, context.RequestAborted);
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
        var result = await adapter.SendAsync(new ProviderRequest(target.Provider, x.Endpoint.UpstreamPath, upstreamBody), attempt.Cancellation);
        if (!result.Succeeded)
        {
            if (result.Failure == UpstreamFailure.ClientClosed)
                return AttemptOutcome.ClientClosed;
            var failure = result.Failure switch
            {
                UpstreamFailure.Timeout => new AttemptFailure(FailureKind.Timeout, GatewayError.Timeout(target.Provider.Name)),
                UpstreamFailure.Refused => new AttemptFailure(FailureKind.Refused, GatewayError.Unreachable(target.Provider.Name)),
                _ => new AttemptFailure(FailureKind.Malformed, GatewayError.BadUpstreamResponse(target.Provider.Name, "the connection broke before an answer arrived")),
            };
            return AttemptOutcome.Failed(failure);
        }

        var response = result.Response!;
        var status = (int)response.StatusCode;
        if (UpstreamStatus.WorthFallingBack(status))
        {
            return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Status, GatewayError.UpstreamStatus(target.Provider.Name, status), response));
        }

        using (response)
        {
            WriteAttemptHeaders(x.Context, call);
            var isEventStream = x.Facts.Stream && status < 400 &&
                response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var forwarded = isEventStream
                ? await new SseForwarder(x.Context, response, target.Provider.Name, dropUsageChunk: !x.Facts.ClientWantsStreamUsage, x.Start, time)
                    .ForwardAsync(x.Body.Length, x.Context.RequestAborted)
                : await JsonResponseForwarder.ForwardAsync(x.Context, response, target.Provider.Name, x.Start, time, x.Context.RequestAborted);
            return forwarded.Outcome == UsageOutcome.ClientClosed ? AttemptOutcome.ClientClosed : AttemptOutcome.Delivered(forwarded);
        }
    }

    private static void WriteAttemptHeaders(HttpContext context, CallRecord call)
    {
        context.Response.Headers[ResponseHeaders.Provider] = call.Target!.Provider.Name;
        context.Response.Headers[ResponseHeaders.Attempts] = call.Attempts.ToString(CultureInfo.InvariantCulture);
    }

    private async Task RejectAsync(HttpContext context, CallRecord call, long start, GatewayError error)
    {
        await OpenAiErrorWriter.WriteAsync(context, error);
        await RecordAsync(call, start, new ForwardResult(error.Status, UsageOutcome.Rejected, default, null, error.Message));
    }

    private ValueTask RecordAsync(CallRecord call, long start, ForwardResult result)
    {
        var model = call.Target?.Model;
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
            CostUsd = config.Current.Prices.Cost(model, result.Tokens),
            Attempts = call.Attempts,
            Error = result.Error,
        };
        return usage.RecordAsync(record, CancellationToken.None);
    }

    /// <summary>Everything one request's attempts share.</summary>
    private sealed record Exchange(
        ProxyHandler Handler, HttpContext Context, ProxyEndpoint Endpoint, PooledBuffer Body, ChatRequestFacts Facts, CallRecord Call, long Start);

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
    }
}
