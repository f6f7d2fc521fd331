using System.Runtime.CompilerServices;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// Passes a whole (non-streamed) upstream answer to the client, reading usage on the way. The body is
/// read in full before anything is sent, so an answer that breaks off or is not valid JSON is
/// reported as a failed attempt and another target can answer instead. Upstream errors keep their
/// status; bodies that are not in the OpenAI error shape are wrapped into it.
/// </summary>
public static class JsonResponseForwarder
{
    private const int MaxResponseBytes = 256 * 1024 * 1024;

    public static async Task<AttemptOutcome> ForwardAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, long startTimestamp, TimeProvider time,
        ResponseCapture? capture, CancellationToken cancellationToken)
    {
        using var body = new PooledBuffer((int)Math.Min(upstream.Content.Headers.ContentLength ?? 4096, MaxResponseBytes));
        var failure = await ReadAsync(context, upstream, provider, body, cancellationToken);
        if (failure is not null)
            return failure.Value;
        var firstToken = time.GetElapsedTime(startTimestamp);

        var status = (int)upstream.StatusCode;
        if (status >= 400)
            return AttemptOutcome.Delivered(await ForwardErrorAsync(context, upstream, provider, status, body, cancellationToken));

        var payload = OpenAiPayloadReader.Read(body.Span);
        if (!payload.IsValid || payload.IsError)
        {
            var detail = payload.IsValid ? "an error body with a success status" : "a body that is not valid JSON";
            return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Malformed, GatewayError.BadUpstreamResponse(provider, detail)));
        }
        var response = context.Response;
        response.StatusCode = status;
        ResponseHeaders.Copy(upstream, response);
        CallCostFeature.WriteHeader(context, payload.Usage);
        response.ContentLength = body.Length;
        capture?.Append(body.Span);
        await response.Body.WriteAsync(body.Memory, cancellationToken);
        return AttemptOutcome.Delivered(new ForwardResult(status, UsageOutcome.Success, payload.Usage, firstToken));
    }

    /// <summary>Passes an upstream's error answer on, as the last word when no target succeeded.</summary>
    public static async Task<ForwardResult> ForwardFailureAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, CancellationToken cancellationToken)
    {
        using var body = new PooledBuffer(4096);
        var failure = await ReadAsync(context, upstream, provider, body, cancellationToken);
        if (failure is { } failed)
        {
            if (failed.Status == AttemptStatus.ClientClosed)
                return failed.Result;
            return await FailAsync(context, failed.Failure!.Error);
        }
        return await ForwardErrorAsync(context, upstream, provider, (int)upstream.StatusCode, body, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<AttemptOutcome?> ReadAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, PooledBuffer body, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await stream.ReadAsync(body.GetFreeSpace(8192), cancellationToken)) > 0)
            {
                body.Advance(read);
                if (body.Length > MaxResponseBytes)
                    return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Malformed, GatewayError.BadUpstreamResponse(provider, "response too large")));
            }
            return null;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return AttemptOutcome.ClientClosed;
        }
        catch (OperationCanceledException)
        {
            return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Timeout, GatewayError.Timeout(provider)));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return AttemptOutcome.Failed(new AttemptFailure(FailureKind.Malformed,
                GatewayError.BadUpstreamResponse(provider, "the connection broke while reading the answer")));
        }
    }

    private static async Task<ForwardResult> ForwardErrorAsync(
        HttpContext context, HttpResponseMessage upstream, string provider, int status, PooledBuffer body, CancellationToken cancellationToken)
    {
        var clientStatus = UpstreamStatus.ForClient(status);
        var payload = OpenAiPayloadReader.Read(body.Span);
        var response = context.Response;
        if (!payload.IsError)
        {
            var error = new GatewayError(clientStatus, "upstream_error", "upstream_error",
                $"Provider '{provider}' answered with HTTP {status}.");
            ResponseHeaders.Copy(upstream, response);
            await OpenAiErrorWriter.WriteAsync(context, error);
            return new ForwardResult(clientStatus, UsageOutcome.UpstreamError, default, null, error.Message);
        }
        response.StatusCode = clientStatus;
        ResponseHeaders.Copy(upstream, response);
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.Memory, cancellationToken);
        return new ForwardResult(clientStatus, UsageOutcome.UpstreamError, default, null, $"provider answered HTTP {status}");
    }

    private static async Task<ForwardResult> FailAsync(HttpContext context, GatewayError error)
    {
        await OpenAiErrorWriter.WriteAsync(context, error);
        return new ForwardResult(error.Status, UsageOutcome.UpstreamError, default, null, error.Message);
    }
}
